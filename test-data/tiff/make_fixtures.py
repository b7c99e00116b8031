#!/usr/bin/python3
"""Regenerates the TIFF fixtures of this folder, their .npy pixel references and expected.csv.

Run from anywhere (README.md says what it needs):

    /usr/bin/python3 test-data/tiff/make_fixtures.py

Writers:
  tf-*  tifffile (Python)                 reference = the array the script handed to tifffile
  cv-*  OpenCV cv2.imwrite (libtiff)      reference = the array handed to OpenCV, channels reversed (BGR -> RGB)
  lt-*  libtiff's tiffcp, recompressing an uncompressed file that tifffile wrote from the reference array
  ij-*  ImageJ 1 FileSaver.saveAsTiff (MakeImageJ.java, run here first) reference = the file read by tifffile

Every pixel is deterministic (numpy default_rng with fixed seeds; java.util.Random with fixed seeds).
After writing, every file is read back: its tags are printed as a Markdown table (also written into
README.md between the tags markers), its pixels are compared with the reference by tifffile (or, where
tifffile lacks the codec, by tifffile after libtiff's `tiffcp -c none` decompressed it) and by OpenCV's
cv2.imread where OpenCV reads the layout, and each expected.csv row is checked against the tags.
"""

import csv
import os
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

import cv2
import numpy as np
import tifffile

HERE = os.path.dirname(os.path.abspath(__file__))
IJ_JAR = os.environ.get(
    "IJ_JAR", os.path.expanduser("~/.m2/repository/net/imagej/ij/1.54p/ij-1.54p.jar"))
W, H = 40, 30
MICRO = "\u00b5m"  # the unit written to expected.csv for micrometre, whatever spelling the file uses

# --------------------------------------------------------------------------------------------- content


def _ramp(kind):
    y, x = np.mgrid[0:H, 0:W].astype(np.float64)
    x /= W - 1
    y /= H - 1
    return {"h": x, "v": y, "d": 0.65 * x + 0.35 * y, "a": 1.0 - 0.5 * x - 0.5 * y}[kind]


def grey_int(dtype, seed, kind="d"):
    """Ramp plus Gaussian noise over the full range, 1 pixel in 16 uniform over the range, extremes set."""
    rng = np.random.default_rng(seed)
    top = np.iinfo(dtype).max
    v = np.round(_ramp(kind) * top + rng.normal(0, 0.05 * top, (H, W)))
    wild = rng.random((H, W)) < 1 / 16
    v[wild] = rng.integers(0, top + 1, wild.sum())
    a = np.clip(v, 0, top).astype(dtype)
    a[0, 0] = 0
    a[-1, -1] = top
    a[0, -1] = (top + 1) // 2      # 32768 / 128: sign-bit pattern
    a[-1, 0] = (top + 1) // 2 - 1  # 32767 / 127
    return a


def grey_float(dtype, seed, kind="d"):
    """Values in [0, 1] (0 and 1 included): ramp plus Gaussian noise, at the full precision of dtype."""
    rng = np.random.default_rng(seed)
    a = np.clip(_ramp(kind) + rng.normal(0, 0.05, (H, W)), 0, 1).astype(dtype)
    a[0, 0] = 0
    a[-1, -1] = 1
    return a


def rgb(make, dtype, seed):
    """H x W x 3: red horizontal, green vertical, blue anti-diagonal ramps, each with its own noise."""
    return np.stack([make(dtype, seed + i, k) for i, k in enumerate("hva")], axis=-1)


# --------------------------------------------------------------------------------------------- writers

FIXTURES = []  # dicts: file, tool, ref, pixel (w, h, unit) or None, pages, note


def add(file, tool, ref, pixel=None, note=""):
    pages = ref.shape[0] if (ref.ndim == 3 and ref.shape[-1] not in (3, 4)) else 1
    FIXTURES.append(dict(file=file, tool=tool, ref=ref, pixel=pixel, pages=pages, note=note))


def path(name):
    return os.path.join(HERE, name)


def write_tifffile():
    tw = tifffile.imwrite
    a = grey_int(np.uint16, 101)
    tw(path("tf-u16-deflate-pred.tif"), a, compression="zlib", predictor=True, rowsperstrip=8)
    add("tf-u16-deflate-pred.tif", "tifffile", a, note="4 strips of 8 rows (last 6)")

    a = rgb(grey_int, np.uint16, 111)
    tw(path("tf-u16-rgb-deflate-pred.tif"), a, photometric="rgb", compression="zlib", predictor=True)
    add("tf-u16-rgb-deflate-pred.tif", "tifffile", a)

    a = grey_int(np.uint16, 121)
    tw(path("tf-u16-bigtiff.tif"), a, bigtiff=True, compression="zlib")
    add("tf-u16-bigtiff.tif", "tifffile", a)

    a = grey_int(np.uint16, 131)
    tw(path("tf-u16-tiled.tif"), a, tile=(16, 16), compression="zlib", predictor=True,
       resolution=(200, 100), resolutionunit="CENTIMETER")
    add("tf-u16-tiled.tif", "tifffile", a, pixel=(1 / 200, 1 / 100, "cm"),
        note="3 x 2 tiles of 16 x 16, right and bottom ones partly outside the image")

    a = rgb(grey_float, np.float32, 141)
    tw(path("tf-f32-rgb-planar.tif"), np.moveaxis(a, -1, 0), photometric="rgb",
       planarconfig="separate", rowsperstrip=16)
    add("tf-f32-rgb-planar.tif", "tifffile", a, note="2 strips per plane (16 + 14 rows)")

    a = rgb(grey_int, np.uint8, 151)
    alpha = np.round(_ramp("d") * 255).astype(np.uint8)
    alpha[0, 0], alpha[-1, -1] = 0, 255
    a = np.dstack([a, alpha])
    tw(path("tf-u8-rgba.tif"), a, photometric="rgb", extrasamples=["UNASSALPHA"],
       compression="zlib", resolution=(300, 300), resolutionunit="INCH")
    add("tf-u8-rgba.tif", "tifffile", a, pixel=(1 / 300, 1 / 300, "inch"))

    a = grey_float(np.float64, 161)
    tw(path("tf-f64.tif"), a)
    add("tf-f64.tif", "tifffile", a)

    a = grey_float(np.float16, 171)
    tw(path("tf-f16.tif"), a)
    add("tf-f16.tif", "tifffile", a, note="float16 without predictor: tifffile needs imagecodecs for predictor 3")

    a = grey_int(np.uint16, 181)
    tw(path("tf-u16-bigendian.tif"), a, byteorder=">", compression="zlib", predictor=True)
    add("tf-u16-bigendian.tif", "tifffile", a)

    a = grey_int(np.uint16, 191)
    tw(path("tf-u16-imagej.tif"), a, imagej=True, resolution=(2, 2), metadata={"unit": "um"})
    add("tf-u16-imagej.tif", "tifffile", a, pixel=(0.5, 0.5, MICRO))

    a = grey_int(np.uint16, 201)
    tw(path("tf-u16-ome.tif"), a, ome=True,
       metadata={"UUID": "urn:uuid:5f0c3e0a-0b1e-5d6a-9c3f-7a1d2b4e6c80",  # fixed, else tifffile takes uuid1()
                 "axes": "YX", "PhysicalSizeX": 0.25, "PhysicalSizeXUnit": MICRO,
                 "PhysicalSizeY": 0.25, "PhysicalSizeYUnit": MICRO})
    add("tf-u16-ome.tif", "tifffile", a, pixel=(0.25, 0.25, MICRO))

    a = np.stack([grey_int(np.uint16, 211 + i, k) for i, k in enumerate("hvd")])
    tw(path("tf-u16-imagej-stack.tif"), a, imagej=True, metadata={"axes": "ZYX"})
    add("tf-u16-imagej-stack.tif", "tifffile", a)

    a = np.stack([grey_int(np.uint16, 221 + i, k) for i, k in enumerate("da")])
    with tifffile.TiffWriter(path("tf-u16-multipage.tif")) as tif:
        for page in a:
            tif.write(page, metadata=None)  # no ImageDescription: two plain pages
    add("tf-u16-multipage.tif", "tifffile", a)


def write_opencv():
    a = grey_int(np.uint16, 301)
    assert cv2.imwrite(path("cv-u16.tif"), a)
    add("cv-u16.tif", "OpenCV", a)

    a = rgb(grey_int, np.uint16, 311)
    assert cv2.imwrite(path("cv-u16-rgb.tif"), a[..., ::-1].copy())  # OpenCV takes BGR
    add("cv-u16-rgb.tif", "OpenCV", a)

    a = rgb(grey_int, np.uint8, 321)
    assert cv2.imwrite(path("cv-u8-rgb-packbits.tif"), a[..., ::-1].copy(),
                       [cv2.IMWRITE_TIFF_COMPRESSION, 32773])
    add("cv-u8-rgb-packbits.tif", "OpenCV", a)


def tiffcp(args, src, dst):
    r = subprocess.run(["tiffcp", *args, src, dst], capture_output=True, text=True)
    if r.returncode:  # (warnings such as "Unknown field with tag 50838" for ImageJ's private tags are dropped)
        raise RuntimeError(f"tiffcp {' '.join(args)} {src} failed: {r.stderr}")


def write_libtiff(tmp):
    def via(name, a, args):
        src = os.path.join(tmp, "src-" + name)
        tifffile.imwrite(src, a, metadata=None, software=False)
        tiffcp(args, src, path(name))
        add(name, "libtiff tiffcp", a)

    via("lt-f32-deflate-fpred.tif", grey_float(np.float32, 401), ["-c", "zip:3"])
    via("lt-f16-deflate-fpred.tif", grey_float(np.float16, 411), ["-c", "zip:3"])
    via("lt-u16-bigendian-lzw.tif", grey_int(np.uint16, 421), ["-B", "-c", "lzw:2", "-r", "8"])


def write_imagej():
    out = subprocess.run(["java", "-Djava.awt.headless=true", "-cp", IJ_JAR, path("MakeImageJ.java"), HERE],
                         check=True, capture_output=True, text=True).stdout
    print(out, end="")
    for name, pixel in [("ij-u16-cal.tif", (0.5, 0.5, MICRO)), ("ij-u16-cal-inch.tif", (0.01, 0.02, "inch")),
                        ("ij-f32.tif", None), ("ij-rgb.tif", None), ("ij-u8-stack.tif", None)]:
        a = tifffile.imread(path(name))
        add(name, "ImageJ", a.astype(a.dtype.newbyteorder("=")), pixel=pixel)
    return out.splitlines()[0]


# --------------------------------------------------------------------------------------------- checks


def sample_format(dtype):
    return {"u1": "UINT8", "u2": "UINT16"}.get(dtype.str[1:], "FLOAT32")


def ref_name(f):
    return f["file"][:-4] + ".npy"


def ref_dtype(a):
    return np.dtype("<f4") if a.dtype == np.float16 else a.dtype.newbyteorder("<")


def read_pages(file):
    """All pages as tifffile decodes them, samples last (PlanarConfig=2 pages are moved to H x W x S)."""
    with tifffile.TiffFile(file) as t:
        pages = []
        for p in t.pages:
            a = p.asarray()
            pages.append(np.moveaxis(a, 0, -1) if p.planarconfig == 2 else a)
        return np.stack(pages) if len(pages) > 1 else pages[0]


def decode_tifffile(file):
    try:
        return read_pages(file), ""
    except ValueError as e:  # e.g. "<COMPRESSION.LZW: 5> requires the 'imagecodecs' package"
        return None, str(e).split(" requires")[0]


def decode_libtiff(file, tmp):
    """libtiff decodes (tiffcp -c none writes the pixels uncompressed), tifffile reads that file."""
    plain = os.path.join(tmp, "plain-" + os.path.basename(file))
    tiffcp(["-c", "none"], file, plain)
    return read_pages(plain)


def decode_opencv(file, ref):
    if ref.ndim == 3 and ref.shape[-1] not in (3, 4):
        ok, pages = cv2.imreadmulti(file, flags=cv2.IMREAD_UNCHANGED)
        return np.stack(pages) if ok else None
    a = cv2.imread(file, cv2.IMREAD_UNCHANGED)
    if a is not None and a.ndim == 3:
        a = a[..., [2, 1, 0, 3][: a.shape[-1]]]  # BGR(A) -> RGB(A)
    return a


def opencv_verdict(file, ref):
    if ref.dtype == np.float16:
        return "cannot read (OpenCV 4.6 refuses SampleFormat=3 with 16 bits)"
    a = decode_opencv(file, ref)
    if a is None:
        return "cannot read"
    if same(a, ref):
        return "yes"
    if ref.ndim == 3 and ref.shape[-1] == 4:
        alpha = ref[..., 3:].astype(np.uint32)
        pre = np.concatenate([(ref[..., :3] * alpha + 127) // 255, alpha], axis=-1).astype(ref.dtype)
        if same(a, pre):
            return "differs: OpenCV returns alpha-premultiplied RGB (libtiff RGBA interface)"
    with tifffile.TiffFile(file) as t:
        if t.pages[0].planarconfig == 2:  # it takes the first plane's samples as interleaved B, G, R
            return "differs: OpenCV 4.6 does not handle PlanarConfig=2 (reads plane data as interleaved)"
    return "NO"


def same(a, b):
    return a is not None and a.shape == b.shape and np.array_equal(a, b.astype(a.dtype) if a.dtype != b.dtype
                                                                   and b.dtype != np.float16 else b)


def tag_facts(file):
    with tifffile.TiffFile(file) as t:
        p = t.pages[0]
        tags = p.tags
        comp = tifffile.COMPRESSION(p.compression).name
        pred = {1: "none", 2: "horizontal (2)", 3: "floating point (3)"}[int(p.predictor)]
        layout = f"tiles {p.tilewidth}x{p.tilelength}" if p.is_tiled else \
            f"{len(p.dataoffsets)} strip(s), {tags['RowsPerStrip'].value if 'RowsPerStrip' in tags else H} rows"
        dtype = f"{p.dtype.name} x{p.samplesperpixel}" if p.samplesperpixel > 1 else p.dtype.name
        extra = tags["ExtraSamples"].value if "ExtraSamples" in tags else None
        if extra is not None:
            dtype += " (ExtraSamples=" + ",".join(str(int(e)) for e in np.atleast_1d(extra)) + ")"
        res = "-"
        if "XResolution" in tags:
            def r(v):
                return f"{v[0] / v[1]:g}"
            res = f"{r(tags['XResolution'].value)} x {r(tags['YResolution'].value)} " \
                  f"unit {tags['ResolutionUnit'].value.name if 'ResolutionUnit' in tags else '(absent: INCH)'}"
        meta = []
        if t.is_imagej:
            ij = t.imagej_metadata
            meta.append("ImageJ " + ", ".join(f"{k}={ij[k]!r}" for k in ("ImageJ", "unit", "images", "slices")
                                                 if k in ij))
        if t.is_ome:
            px = ET.fromstring(t.ome_metadata).find(".//{*}Pixels")
            meta.append("OME Pixels " + ", ".join(f"{k}={px.get(k)}" for k in
                                                  ("PhysicalSizeX", "PhysicalSizeXUnit",
                                                   "PhysicalSizeY", "PhysicalSizeYUnit") if px.get(k)))
        if "Software" in tags:
            meta.append(f"Software={tags['Software'].value!r}")
        return dict(pages=len(t.pages), byteorder="II (little)" if t.byteorder == "<" else "MM (big)",
                    bigtiff="BigTIFF" if t.is_bigtiff else "classic", compression=comp, predictor=pred,
                    planar=tifffile.PLANARCONFIG(p.planarconfig).name.lower(),
                    photometric=tifffile.PHOTOMETRIC(p.photometric).name, dtype=dtype,
                    layout=layout, res=res, meta="; ".join(meta) or "-"), pixel_from_tags(t)


def pixel_from_tags(t):
    """(w, h, unit) as the file states it: ImageJ description, OME-XML, else baseline tags in inch/cm."""
    p = t.pages[0]
    tags = p.tags
    spell = {"um": MICRO, "micron": MICRO, "\\u00B5m": MICRO, MICRO: MICRO, "\u03bcm": MICRO}
    if t.is_ome:
        px = ET.fromstring(t.ome_metadata).find(".//{*}Pixels")
        return float(px.get("PhysicalSizeX")), float(px.get("PhysicalSizeY")), \
            spell[px.get("PhysicalSizeXUnit", MICRO)]
    if "XResolution" not in tags:
        return None
    xr, yr = (tags[k].value[0] / tags[k].value[1] for k in ("XResolution", "YResolution"))
    unit = tags["ResolutionUnit"].value.name if "ResolutionUnit" in tags else "INCH"
    if t.is_imagej and "unit" in t.imagej_metadata:
        return 1 / xr, 1 / yr, spell.get(t.imagej_metadata["unit"], t.imagej_metadata["unit"])
    if unit in ("INCH", "CENTIMETER"):
        return 1 / xr, 1 / yr, {"INCH": "inch", "CENTIMETER": "cm"}[unit]
    return None  # e.g. tifffile's default 1 x 1 with ResolutionUnit NONE


def main():
    libtiff = subprocess.run(["tiffcp"], capture_output=True, text=True).stderr.splitlines()[0]
    print(f"tifffile {tifffile.__version__}, OpenCV {cv2.__version__}, numpy {np.__version__}, {libtiff}")
    for f in os.listdir(HERE):
        if f.endswith((".tif", ".npy")) or f == "expected.csv":
            os.remove(path(f))
    with tempfile.TemporaryDirectory() as tmp:
        write_tifffile()
        write_opencv()
        write_libtiff(tmp)
        ij_version = write_imagej()

        rows, table, failures = [], [], []
        for f in FIXTURES:
            file = path(f["file"])
            ref = f["ref"]
            np.save(path(ref_name(f)), np.ascontiguousarray(ref.astype(ref_dtype(ref))))
            facts, stated = tag_facts(file)
            got, why = decode_tifffile(file)
            ok_tf = "yes" if same(got, ref) else f"no decoder for {why}" if why else "NO"
            ok_lt = "yes" if same(decode_libtiff(file, tmp), ref) else "NO"
            ok_cv = opencv_verdict(file, ref)
            want = f["pixel"]
            if "NO" in (ok_tf, ok_lt) or (ok_tf != "yes" and ok_lt != "yes"):
                failures.append(f"{f['file']}: pixels differ from the reference (tifffile {ok_tf}, libtiff {ok_lt})")
            if facts["pages"] != f["pages"]:
                failures.append(f"{f['file']}: {facts['pages']} pages, expected {f['pages']}")
            if (want is None) != (stated is None) or (want and (not np.allclose(want[:2], stated[:2], rtol=1e-9)
                                                               or want[2] != stated[2])):
                failures.append(f"{f['file']}: pixel size in the file {stated}, expected {want}")
            rows.append([f["file"], ref_name(f), sample_format(ref.dtype),
                         repr(want[0]) if want else "", repr(want[1]) if want else "", want[2] if want else "",
                         f["pages"]])
            table.append([f["file"], f["tool"], facts["dtype"], facts["pages"], facts["compression"],
                          facts["predictor"], facts["planar"], facts["layout"], facts["byteorder"],
                          facts["bigtiff"], facts["res"], facts["meta"],
                          ok_tf, ok_lt, ok_cv])

    with open(path("expected.csv"), "w", newline="", encoding="utf-8") as out:
        w = csv.writer(out, lineterminator="\n")
        w.writerow(["file", "reference", "sample_format", "pixel_width", "pixel_height", "unit", "pages"])
        w.writerows(rows)

    head = ["file", "writer", "dtype x samples", "pages", "Compression", "Predictor", "PlanarConfig",
            "strips / tiles", "byte order", "format", "XResolution x YResolution, ResolutionUnit",
            "metadata", "tifffile pixels = ref", "libtiff pixels = ref", "cv2.imread pixels = ref"]
    md = [f"Tools: tifffile {tifffile.__version__}, OpenCV {cv2.__version__}, {libtiff} (tiffcp), "
          f"{ij_version}; numpy {np.__version__}.", "",
          "| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    md += ["| " + " | ".join(str(c).replace("|", "\\|").replace("\n", " ") for c in r) + " |" for r in table]
    md = "\n".join(md)
    print(md)
    readme = path("README.md")
    if os.path.exists(readme):
        text = open(readme, encoding="utf-8").read()
        a, b = "<!-- tags:begin -->", "<!-- tags:end -->"
        if a in text and b in text:
            text = text[: text.index(a) + len(a)] + "\n" + md + "\n" + text[text.index(b):]
            open(readme, "w", encoding="utf-8").write(text)
    if failures:
        print("\n".join(["FAILED:"] + failures), file=sys.stderr)
        sys.exit(1)
    print(f"OK: {len(FIXTURES)} files checked")


if __name__ == "__main__":
    main()
