#!/usr/bin/env python3
"""Packages trained weights as the library's built-in model (standard library only, no PyTorch).

Copies the tensors of TRAINED unchanged and writes OUT with TRAINED's metadata plus the provenance
of the weights it started from (INIT's metadata, prefixed `init_`) and a model name, so that the
shipped file says how every stage was trained (MODEL.md has the commands).

Usage: python3 training/device/package_model.py TRAINED INIT NAME OUT
"""
import json
import os
import struct
import sys


def read_header(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    return header, data


def main():
    trained, init, name, out = sys.argv[1:5]
    header, data = read_header(trained)
    init_meta = read_header(init)[0].get("__metadata__", {})
    meta = dict(header.get("__metadata__", {}))
    for key in ("trained_by", "step", "seed", "train_data", "training_config"):
        if key in init_meta:
            meta["init_" + key] = init_meta[key]
    meta["name"] = name
    header["__metadata__"] = meta
    write_raw(out, header, data)


def write_raw(path, header, data):
    """Writes a .safetensors file from its header dict and data section, atomically; the header is
    padded with spaces so that the data starts 8-byte aligned."""
    head = json.dumps(header, separators=(",", ":")).encode()
    head += b" " * ((8 - len(head) % 8) % 8)
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(struct.pack("<Q", len(head)))
        f.write(head)
        f.write(data)
    os.replace(tmp, path)


if __name__ == "__main__":
    main()
