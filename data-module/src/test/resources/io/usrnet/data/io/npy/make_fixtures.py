#!/usr/bin/env python3
"""Writes the .npy fixtures of NpyArrayTest into this folder (numpy, and scipy for one file).

Run from anywhere: python3 make_fixtures.py. The files are small and committed; rerunning gives
the same bytes.

Naming: BASE-ref.npy is the reference, C order, little-endian float32 (every value is exact in
float32). BASE-TYPE-ENDIAN-ORDER.npy holds the same numbers as TYPE (numpy's kind and size: f4, f8,
i1..i8, u1..u8, b1), ENDIAN le/be (single-byte types: le only), ORDER C or F (Fortran, as
np.asfortranarray and arrays from scipy.io.loadmat are saved).
- kernel: 3×4 values -1.25, -0.875, ..., 2.875 (floats)
- ikernel: 3×4 integers, 0..11 for unsigned types, -6..5 for signed ones, 0/1 for bool
  (references ikernel-ref-unsigned.npy, ikernel-ref-signed.npy, ikernel-ref-bool.npy)
- image: 4×5×3 (H×W×C) values k/64 (floats) and k (uint8, uint16)
  (references image-ref.npy, image-ref-int.npy)
- wide-TYPE-ENDIAN.npy: values that need every byte of the wider integer types, with
  wide-TYPE-ref.npy holding them as float64 (each is exact in float64)
- kernel-v2.npy, kernel-v3.npy: the kernel with format version 2.0 and 3.0 headers
- kernel-scipy.npy: the kernel saved to a MATLAB file with scipy.io.savemat, loaded back with
  scipy.io.loadmat and saved with np.save as it came (Fortran order)
"""
import io
import os

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))


def save(name, array):
    np.save(os.path.join(HERE, name), array, allow_pickle=False)


def variants(base, values, kinds):
    for kind in kinds:
        endians = ["le"] if np.dtype(kind).itemsize == 1 else ["le", "be"]
        for endian in endians:
            dtype = np.dtype(kind).newbyteorder("<" if endian == "le" else ">")
            a = values.astype(dtype)
            save(f"{base}-{kind}-{endian}-C.npy", np.ascontiguousarray(a))
            save(f"{base}-{kind}-{endian}-F.npy", np.asfortranarray(a))


kernel = (np.arange(12).reshape(3, 4) * 0.375 - 1.25).astype(np.float32)
save("kernel-ref.npy", kernel)
variants("kernel", kernel, ["f4", "f8"])

unsigned = np.arange(12).reshape(3, 4)
signed = unsigned - 6
boolean = (unsigned % 3 == 0)
save("ikernel-ref-unsigned.npy", unsigned.astype(np.float32))
save("ikernel-ref-signed.npy", signed.astype(np.float32))
save("ikernel-ref-bool.npy", boolean.astype(np.float32))
variants("ikernel", unsigned, ["u1", "u2", "u4", "u8"])
variants("ikernel", signed, ["i1", "i2", "i4", "i8"])
variants("ikernel", boolean, ["b1"])

pixels = np.arange(60).reshape(4, 5, 3)
save("image-ref.npy", (pixels / 64).astype(np.float32))
save("image-ref-int.npy", pixels.astype(np.float32))
variants("image", (pixels / 64).astype(np.float32), ["f4", "f8"])
variants("image", pixels, ["u1", "u2"])

wide = {
    "i2": [-32768, 32767, -2],
    "u2": [65535, 256, 1],
    "i4": [-2147483648, 2147483647, -70000],
    "u4": [4294967295, 65536, 3],
    "i8": [-(2 ** 62), 2 ** 53, -(2 ** 40) - 1],
    "u8": [2 ** 64 - 2 ** 11, 2 ** 63, 2 ** 40 + 1],
}
for kind, values in wide.items():
    a = np.array(values, dtype=kind)
    save(f"wide-{kind}-ref.npy", a.astype("<f8"))
    for endian, mark in (("le", "<"), ("be", ">")):
        save(f"wide-{kind}-{endian}.npy", a.astype(np.dtype(kind).newbyteorder(mark)))

for version in ((2, 0), (3, 0)):
    with open(os.path.join(HERE, f"kernel-v{version[0]}.npy"), "wb") as f:
        np.lib.format.write_array(f, kernel, version=version)

import scipy.io  # noqa: E402 (only this file needs scipy)

buffer = io.BytesIO()
scipy.io.savemat(buffer, {"k": kernel.astype(np.float64)})
buffer.seek(0)
loaded = scipy.io.loadmat(buffer)["k"]
assert loaded.flags.f_contiguous and not loaded.flags.c_contiguous
save("kernel-scipy.npy", loaded)
