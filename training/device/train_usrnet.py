#!/usr/bin/env python3
"""End-to-end USRNet training on a GPU (PyTorch), the optional companion of `usrnet train`.

The Java trainer (`./usrnet train`, io.usrnet.train) is the primary, tested path. This script
trains the same architecture with the same recipe where a GPU is available, and reads and writes
`.safetensors` in the original state_dict layout with the same metadata keys, so its output loads
in the Java library unchanged (`Restorer.builder().weights(path)`).

Recipe (issue 4, the same as io.usrnet.train.TrainingSampler):
  * random HR patches (default 96x96) of the training images under one of the 8 flips/rotations;
  * one scale s per batch, uniform in {1, 2, 3, 4};
  * 25x25 kernels: half anisotropic Gaussians (variances uniform in [0.6, 12], uniform angle,
    shifted up-left by (s-1)/2 for the upper-left decimator), half random camera-shake kernels
    (off-centre, not shifted; the same trajectory model as io.usrnet.data.Kernels.motion);
  * sigma = 0 with probability 1/8, else uniform in [0, 25]/255;
  * y = (x (*) k)|s + n in float, circular convolution, upper-left decimation;
  * L1 loss of the network output against the HR patch, Adam, cosine learning-rate decay.

Validation uses the last 8 images of BSDS400 in sorted order, the images the Java trainer holds out
(never the evaluation sets).

Usage (from the repository root; the training images must be readable by the script):
  python3 training/device/train_usrnet.py --data DIR --init W.safetensors --out OUTDIR \
      --steps N --batch 32 --seed 1 [--time-limit SEC] [--resume]
  python3 training/device/train_usrnet.py --check-fixtures ../shared/fixtures   (reference check)

Runs are seeded (numpy and torch), but cuDNN/cuFFT kernels are not bit-reproducible across GPUs,
so a rerun gives a statistically equivalent, not identical, model.
"""
import argparse
import json
import math
import os
import struct
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from package_model import write_raw

# --------------------------------------------------------------------------------------------
# safetensors (the format is small enough to read and write here: no extra package needed)

_DTYPES = {"F32": (np.float32, torch.float32), "F64": (np.float64, torch.float64)}


def read_safetensors(path):
    """Returns ({name: float32 tensor}, metadata dict)."""
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    meta = header.pop("__metadata__", {}) or {}
    tensors = {}
    for name, info in header.items():
        np_type, _ = _DTYPES[info["dtype"]]
        a, b = info["data_offsets"]
        arr = np.frombuffer(data[a:b], dtype=np_type).reshape(info["shape"])
        tensors[name] = torch.from_numpy(arr.astype(np.float32))
    return tensors, meta


def write_safetensors(path, tensors, metadata):
    """Writes float32 tensors (sorted by name) with string metadata, atomically."""
    header = {"__metadata__": {k: str(v) for k, v in metadata.items()}}
    blobs = []
    offset = 0
    for name in sorted(tensors):
        arr = tensors[name].detach().to("cpu", torch.float32).contiguous().numpy()
        raw = arr.tobytes()
        header[name] = {"dtype": "F32", "shape": list(arr.shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    write_raw(path, header, b"".join(blobs))


# --------------------------------------------------------------------------------------------
# The network (PROTOCOL.md section 6), module names chosen so that state_dict keys are the original's

def conv3(cin, cout):
    return nn.Conv2d(cin, cout, 3, padding=1, bias=False)


class ResBlock(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.res = nn.Sequential(conv3(c, c), nn.ReLU(inplace=True), conv3(c, c))

    def forward(self, t):
        return t + self.res(t)


class ResUNet(nn.Module):
    def __init__(self, nc, nb, in_nc=4, out_nc=3):
        super().__init__()
        self.m_head = conv3(in_nc, nc[0])

        def down(a, b):
            return nn.Sequential(*[ResBlock(a) for _ in range(nb)], nn.Conv2d(a, b, 2, stride=2, bias=False))

        def up(a, b):
            return nn.Sequential(nn.ConvTranspose2d(a, b, 2, stride=2, bias=False), *[ResBlock(b) for _ in range(nb)])

        self.m_down1 = down(nc[0], nc[1])
        self.m_down2 = down(nc[1], nc[2])
        self.m_down3 = down(nc[2], nc[3])
        # the original's sequential() returns a lone module unwrapped: with nb = 1 the keys are m_body.res.*
        self.m_body = ResBlock(nc[3]) if nb == 1 else nn.Sequential(*[ResBlock(nc[3]) for _ in range(nb)])
        self.m_up3 = up(nc[3], nc[2])
        self.m_up2 = up(nc[2], nc[1])
        self.m_up1 = up(nc[1], nc[0])
        self.m_tail = conv3(nc[0], out_nc)

    def forward(self, x):
        h, w = x.shape[-2:]
        ph, pw = (-h) % 8, (-w) % 8
        if ph or pw:
            x = F.pad(x, (0, pw, 0, ph), mode="replicate")
        x1 = self.m_head(x)
        x2 = self.m_down1(x1)
        x3 = self.m_down2(x2)
        x4 = self.m_down3(x3)
        x = self.m_body(x4)
        x = self.m_up3(x + x4)
        x = self.m_up2(x + x3)
        x = self.m_up1(x + x2)
        x = self.m_tail(x + x1)
        return x[..., :h, :w]


class HyPaNet(nn.Module):
    def __init__(self, n_iter, h_nc, in_nc=2):
        super().__init__()
        self.mlp = nn.Sequential(nn.Conv2d(in_nc, h_nc, 1), nn.ReLU(inplace=True), nn.Conv2d(h_nc, h_nc, 1),
                                 nn.ReLU(inplace=True), nn.Conv2d(h_nc, 2 * n_iter, 1), nn.Softplus())

    def forward(self, x):
        return self.mlp(x) + 1e-6


def tile_mean(a, s):
    """Mean of the s x s distinct tiles of the last two axes (the Fourier image of decimation)."""
    *lead, hh, ww = a.shape
    h, w = hh // s, ww // s
    return a.reshape(*lead, s, h, s, w).mean(dim=(-4, -2))


class DataStep:
    """Closed-form data step bound to (k, s, y) for a batch (PROTOCOL.md 6.4)."""

    def __init__(self, k, s, y):
        b, c, h, w = y.shape
        big_h, big_w = h * s, w * s
        kh, kw = k.shape[-2:]
        otf = torch.zeros(b, 1, big_h, big_w, device=y.device, dtype=y.dtype)
        otf[..., :kh, :kw] = k
        otf = torch.roll(otf, shifts=(-(kh // 2), -(kw // 2)), dims=(-2, -1))
        self.fb = torch.fft.fft2(otf)
        self.fbc = torch.conj(self.fb)
        self.f2b = self.fb.real ** 2 + self.fb.imag ** 2
        sty = torch.zeros(b, c, big_h, big_w, device=y.device, dtype=y.dtype)
        sty[..., ::s, ::s] = y
        self.fbfy = self.fbc * torch.fft.fft2(sty)
        self.inv_w = tile_mean(self.f2b, s)
        self.s = s

    def __call__(self, x, alpha):
        fr = self.fbfy + alpha * torch.fft.fft2(x)
        fbr = tile_mean(self.fb * fr, self.s)
        ratio = fbr / (self.inv_w + alpha)
        fx = (fr - self.fbc * ratio.repeat(1, 1, self.s, self.s)) / alpha
        return torch.real(torch.fft.ifft2(fx))


class USRNet(nn.Module):
    def __init__(self, n_iter=6, h_nc=32, nc=(16, 32, 64, 64), nb=2):
        super().__init__()
        self.n = n_iter
        self.p = ResUNet(list(nc), nb)
        self.h = HyPaNet(n_iter, h_nc)

    def forward(self, y, k, s, sigma):
        """y: B x 3 x h x w; k: B x 1 x kh x kw; s: int; sigma: B (in [0, 1] units)."""
        d = DataStep(k, s, y)
        x = y.repeat_interleave(s, dim=-2).repeat_interleave(s, dim=-1)
        hyper_in = torch.stack([sigma, torch.full_like(sigma, float(s))], dim=1)[..., None, None]
        ab = self.h(hyper_in)
        for i in range(self.n):
            x = d(x, ab[:, i:i + 1])
            beta = ab[:, i + self.n:i + self.n + 1].expand(-1, 1, x.shape[-2], x.shape[-1])
            x = self.p(torch.cat([x, beta], dim=1))
        return x


def model_config(meta):
    nc = tuple(int(v) for v in meta["nc"].split(","))
    return dict(n_iter=int(meta["n_iter"]), h_nc=int(meta["h_nc"]), nc=nc, nb=int(meta["nb"]))


def config_metadata(cfg):
    return {"format": "usrnet", "n_iter": cfg["n_iter"], "h_nc": cfg["h_nc"], "in_nc": 4, "out_nc": 3,
            "nc": ",".join(str(c) for c in cfg["nc"]), "nb": cfg["nb"]}


# --------------------------------------------------------------------------------------------
# Degradations

def gaussian_kernels(n, size, scale, gen, device, vmin=0.6, vmax=12.0):
    """n anisotropic Gaussians (io.usrnet.data.Kernels.anisotropicGaussian), shifted by (s-1)/2."""
    v1 = vmin + torch.rand(n, generator=gen) * (vmax - vmin)
    v2 = vmin + torch.rand(n, generator=gen) * (vmax - vmin)
    theta = torch.rand(n, generator=gen) * math.pi
    c = (size - 1) / 2.0
    g = torch.arange(size, dtype=torch.float64) - c
    dy, dx = g[:, None], g[None, :]
    cos, sin = torch.cos(theta).double()[:, None, None], torch.sin(theta).double()[:, None, None]
    a = dx * cos + dy * sin
    b = -dx * sin + dy * cos
    k = torch.exp(-a * a / (2 * v1.double()[:, None, None]) - b * b / (2 * v2.double()[:, None, None]))
    k = shift_for_decimation(k, scale)
    return (k / k.sum(dim=(-2, -1), keepdim=True)).float().to(device)


def shift_for_decimation(k, s):
    """Bilinear resampling at (u + (s-1)/2, v + (s-1)/2), clipped to the support (Kernels.shiftForDecimation)."""
    if s == 1:
        return k
    size = k.shape[-1]
    shift = (s - 1) / 2.0
    pos = torch.clamp(torch.arange(size, dtype=torch.float64) + shift, max=size - 1)
    i0 = torch.floor(pos).long()
    i1 = torch.clamp(i0 + 1, max=size - 1)
    f = (pos - i0.double())
    rows = k[:, i0, :] * (1 - f)[None, :, None] + k[:, i1, :] * f[None, :, None]
    return rows[:, :, i0] * (1 - f)[None, None, :] + rows[:, :, i1] * f[None, None, :]


def motion_kernel_bank(count, size, seed):
    """count random camera-shake kernels (the trajectory model of io.usrnet.data.Kernels.motion),
    vectorised over kernels: float32 array count x size x size, each summing to 1."""
    rng = np.random.default_rng(seed)
    n = max(256, 32 * size)
    curl = 0.5 + 5.5 * rng.random(count)
    pull = 3.0 * rng.random(count)
    jerk_p = 3.0 * rng.random(count) / n
    heading = 2 * np.pi * rng.random(count)
    vx, vy = np.cos(heading), np.sin(heading)
    dt = 1.0 / n
    kick = curl / np.sqrt(n)
    xs = np.empty((n, count))
    ys = np.empty((n, count))
    px = np.zeros(count)
    py = np.zeros(count)
    for t in range(n):
        xs[t], ys[t] = px, py
        vx = vx + kick * rng.standard_normal(count) - pull * px * dt
        vy = vy + kick * rng.standard_normal(count) - pull * py * dt
        jerk = rng.random(count) < jerk_p
        a = 2 * np.pi * rng.random(count)
        strength = 0.5 + rng.random(count)
        vx = np.where(jerk, vx + strength * np.cos(a), vx)
        vy = np.where(jerk, vy + strength * np.sin(a), vy)
        speed = np.hypot(vx, vy)
        still = speed < 1e-12
        vx = np.where(still, np.cos(heading), vx / np.maximum(speed, 1e-300))
        vy = np.where(still, np.sin(heading), vy / np.maximum(speed, 1e-300))
        px = px + vx * dt
        py = py + vy * dt
    min_x, min_y = xs.min(0), ys.min(0)
    span_x, span_y = xs.max(0) - min_x, ys.max(0) - min_y
    length = (size - 1) * (0.3 + 0.7 * rng.random(count))
    scale = length / np.maximum(np.maximum(span_x, span_y), 1e-12)
    off_x = rng.random(count) * (size - 1 - span_x * scale)
    off_y = rng.random(count) * (size - 1 - span_y * scale)
    x = np.clip(off_x + (xs - min_x) * scale, 0, size - 1)
    y = np.clip(off_y + (ys - min_y) * scale, 0, size - 1)
    r0 = np.minimum(y.astype(np.int64), size - 2)
    c0 = np.minimum(x.astype(np.int64), size - 2)
    fy, fx = y - r0, x - c0
    idx = np.broadcast_to(np.arange(count), (n, count))
    bank = np.zeros((count, size, size))
    for dr, dc, wgt in ((0, 0, (1 - fy) * (1 - fx)), (0, 1, (1 - fy) * fx), (1, 0, fy * (1 - fx)), (1, 1, fy * fx)):
        np.add.at(bank, (idx.ravel(), (r0 + dr).ravel(), (c0 + dc).ravel()), wgt.ravel())
    bank /= bank.sum(axis=(1, 2), keepdims=True)
    return bank.astype(np.float32)


def circular_blur(x, k):
    """Per-sample circular convolution (PROTOCOL.md section 1) via the FFT."""
    b, c, h, w = x.shape
    kh, kw = k.shape[-2:]
    otf = torch.zeros(b, 1, h, w, device=x.device, dtype=x.dtype)
    otf[..., :kh, :kw] = k
    otf = torch.roll(otf, shifts=(-(kh // 2), -(kw // 2)), dims=(-2, -1))
    return torch.real(torch.fft.ifft2(torch.fft.fft2(x) * torch.fft.fft2(otf)))


def dihedral(t, mode):
    """One of the 8 flips/rotations of the last two axes."""
    if mode & 4:
        t = t.transpose(-2, -1)
    if mode & 2:
        t = t.flip(-2)
    if mode & 1:
        t = t.flip(-1)
    return t


# --------------------------------------------------------------------------------------------
# Data

def list_images(root):
    out = []
    for dirpath, _, files in os.walk(root):
        for f in files:
            if not f.startswith(".") and f.lower().endswith((".png", ".jpg", ".jpeg", ".tif", ".tiff")):
                out.append(os.path.join(dirpath, f))
    return sorted(out)


def split_images(root, held_out=8):
    """The Java trainer's split: the last held_out images of BSDS400 (sorted) are validation."""
    all_files = list_images(root)
    bsds = os.path.join(root, "BSDS400") + os.sep
    pool = [p for p in all_files if p.startswith(bsds)] or all_files
    val = pool[-held_out:]
    return [p for p in all_files if p not in val], val


def load_rgb(path):
    from PIL import Image
    with Image.open(path) as im:
        arr = np.asarray(im.convert("RGB"), dtype=np.uint8)
    return torch.from_numpy(arr.copy()).permute(2, 0, 1).contiguous()


class Sampler:
    def __init__(self, images, patch, batch, device, motion_bank, kernel_size=25, scales=(1, 2, 3, 4),
                 max_sigma=25.0, zero_noise=1 / 8, motion_p=0.5):
        self.images = [im.to(device) for im in images if min(im.shape[1:]) >= patch]
        self.patch, self.batch, self.device = patch, batch, device
        self.bank = torch.from_numpy(motion_bank).to(device)
        self.kernel_size, self.scales = kernel_size, scales
        self.max_sigma, self.zero_noise, self.motion_p = max_sigma, zero_noise, motion_p

    def sample(self, gen):
        p, n = self.patch, self.batch
        s = self.scales[int(torch.randint(len(self.scales), (1,), generator=gen))]
        hr = []
        for _ in range(n):
            im = self.images[int(torch.randint(len(self.images), (1,), generator=gen))]
            top = int(torch.randint(im.shape[1] - p + 1, (1,), generator=gen))
            left = int(torch.randint(im.shape[2] - p + 1, (1,), generator=gen))
            mode = int(torch.randint(8, (1,), generator=gen))
            hr.append(dihedral(im[:, top:top + p, left:left + p], mode))
        hr = torch.stack(hr).float() / 255.0
        use_motion = torch.rand(n, generator=gen) < self.motion_p
        k = gaussian_kernels(n, self.kernel_size, s, gen, self.device)
        picks = torch.randint(self.bank.shape[0], (n,), generator=gen)
        modes = torch.randint(8, (n,), generator=gen)
        for i in torch.nonzero(use_motion).flatten().tolist():
            k[i] = dihedral(self.bank[int(picks[i])], int(modes[i]))
        k = k[:, None]
        sigma = torch.rand(n, generator=gen) * self.max_sigma / 255.0
        sigma[torch.rand(n, generator=gen) < self.zero_noise] = 0
        sigma = sigma.to(self.device)
        lr = circular_blur(hr, k)[..., ::s, ::s]
        noise = torch.randn(lr.shape, generator=gen).to(self.device)
        lr = lr + noise * sigma[:, None, None, None]
        return hr, lr, k, s, sigma


def validation_cases(images, device, bank, seed=12345, crop=144):
    """Fixed cases on the held-out training images: centre crop, one scale/kernel/noise each."""
    gen = torch.Generator().manual_seed(seed)
    cases = []
    for i, im in enumerate(images):
        _, h, w = im.shape
        t, l = (h - crop) // 2, (w - crop) // 2
        hr = im[:, t:t + crop, l:l + crop].float()[None].to(device) / 255.0
        s = (1, 2, 3, 4)[i % 4]
        if i % 2 == 0:
            k = gaussian_kernels(1, 25, s, gen, device)[:, None]
        else:
            k = torch.from_numpy(bank[i])[None, None].to(device)
        sigma = torch.tensor([(0.0, 2.55, 7.65, 15.0)[(i // 2) % 4] / 255.0], device=device)
        lr = circular_blur(hr, k)[..., ::s, ::s]
        lr = lr + torch.randn(lr.shape, generator=gen).to(device) * sigma
        cases.append((hr, lr, k, s, sigma))
    return cases


def psnr(a, b):
    mse = torch.mean((a.clamp(0, 1) - b) ** 2).item()
    return 10 * math.log10(1.0 / max(mse, 1e-12))


@torch.no_grad()
def validate(model, cases):
    model.eval()
    ours, base = 0.0, 0.0
    for hr, lr, k, s, sigma in cases:
        out = model(lr, k, s, sigma)
        ours += psnr(out, hr)
        base += psnr(lr.repeat_interleave(s, -2).repeat_interleave(s, -1), hr)
    model.train()
    return ours / len(cases), base / len(cases)


# --------------------------------------------------------------------------------------------
# Reference check against the fixtures of the original implementation

def check_fixtures(root):
    manifest = json.load(open(os.path.join(root, "manifest.json")))
    worst = 0.0
    for name, case in sorted(manifest["cases"].items()):
        if not name.startswith("usrnet/"):
            continue
        tensors, meta = read_safetensors(os.path.join(root, case["weights"] + ".safetensors"))
        cfg = model_config(meta)
        model = USRNet(**cfg).double()
        model.load_state_dict({k: v.double() for k, v in tensors.items()})
        lr = torch.from_numpy(np.load(os.path.join(root, case["lr"]))).double().permute(2, 0, 1)[None]
        k = torch.from_numpy(np.load(os.path.join(root, case["k"]))).double()[None, None]
        ref = np.load(os.path.join(root, case["out_float64"]))
        with torch.no_grad():
            out = model(lr, k, int(case["sf"]), torch.tensor([case["sigma"] / 255.0], dtype=torch.float64))
        err = float(np.abs(out[0].permute(1, 2, 0).numpy() - ref).max())
        worst = max(worst, err)
        print(f"{name}: max abs error vs out64 {err:.3g}")
    print(f"worst {worst:.3g}")
    return worst


# --------------------------------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", help="training image folder (../shared/data/train)")
    ap.add_argument("--init", help="weights to start from (.safetensors, original layout)")
    ap.add_argument("--out", help="output folder: checkpoint.pt, model.safetensors, train.log")
    ap.add_argument("--steps", type=int, default=20000)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--patch", type=int, default=96)
    ap.add_argument("--lr", type=float, default=2e-4)
    ap.add_argument("--lr-final", type=float, default=1e-5)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--motion-bank", type=int, default=20000)
    ap.add_argument("--validate-every", type=int, default=1000)
    ap.add_argument("--time-limit", type=float, default=0, help="stop (resumably) after this many seconds")
    ap.add_argument("--plan-seconds", type=float, default=0,
                    help="fix --steps from the speed of the first 100 steps so that training takes about this long "
                         "in all (the number is logged and kept on resume; rerun with --steps N to reproduce)")
    ap.add_argument("--resume", action="store_true")
    ap.add_argument("--check-fixtures", metavar="DIR")
    args = ap.parse_args()
    if args.check_fixtures:
        sys.exit(0 if check_fixtures(args.check_fixtures) <= 1e-5 else 1)

    start = time.time()
    device = "cuda" if torch.cuda.is_available() else "cpu"
    torch.backends.cudnn.benchmark = True
    os.makedirs(args.out, exist_ok=True)
    log_file = open(os.path.join(args.out, "train.log"), "a")

    def log(msg):
        line = time.strftime("%Y-%m-%d %H:%M:%S ") + msg
        print(line, flush=True)
        log_file.write(line + "\n")
        log_file.flush()

    tensors, meta = read_safetensors(args.init)
    cfg = model_config(meta)
    model = USRNet(**cfg).to(device)
    model.load_state_dict(tensors)
    opt = torch.optim.Adam(model.parameters(), lr=args.lr)
    step = 0
    ckpt_path = os.path.join(args.out, "checkpoint.pt")
    best = -1.0
    if args.resume and os.path.exists(ckpt_path):
        ck = torch.load(ckpt_path, map_location=device)
        model.load_state_dict(ck["model"])
        opt.load_state_dict(ck["optimizer"])
        step, best = ck["step"], ck.get("best", -1.0)
        args.steps, args.plan_seconds = ck["steps"], 0
        torch.set_rng_state(ck["rng"].cpu())
        log(f"resume at step {step}")
    else:
        torch.manual_seed(args.seed)
        log(f"start {vars(args)} on {device} "
            f"({torch.cuda.get_device_name() if device == 'cuda' else 'cpu'}), torch {torch.__version__}")
    gen = torch.Generator()
    if args.resume and step > 0:
        gen.set_state(ck["gen"].cpu())
    else:
        gen.manual_seed(args.seed)

    train_files, val_files = split_images(args.data)
    images = [load_rgb(p) for p in train_files]
    bank = motion_kernel_bank(args.motion_bank, 25, args.seed)
    sampler = Sampler(images, args.patch, args.batch, device, bank)
    cases = validation_cases([load_rgb(p) for p in val_files], device, motion_kernel_bank(16, 25, 999))
    log(f"{len(sampler.images)} training images, {len(val_files)} validation, {sum(p.numel() for p in model.parameters())} "
        f"parameters, {len(bank)} motion kernels, loaded in {time.time() - start:.1f} s")
    if step == 0:
        v, b = validate(model, cases)
        log(f"validation step 0 psnr {v:.3f} dB (nearest {b:.3f} dB)")

    def save(final=False):
        torch.save({"model": model.state_dict(), "optimizer": opt.state_dict(), "step": step, "steps": args.steps, "best": best,
                    "rng": torch.get_rng_state(), "gen": gen.get_state()}, ckpt_path + ".tmp")
        os.replace(ckpt_path + ".tmp", ckpt_path)
        provenance = dict(config_metadata(cfg))
        provenance.update({"trained_by": "usrnet-java training/device/train_usrnet.py", "step": step,
                           "seed": args.seed, "init": os.path.basename(args.init),
                           "init_metadata_step": meta.get("step", ""),
                           "train_data": "../shared/data/train (BSDS400 minus its last 8 images, SunHays80)",
                           "recipe": json.dumps({k: getattr(args, k) for k in
                                                 ("steps", "batch", "patch", "lr", "lr_final", "seed", "motion_bank")}),
                           "device": torch.cuda.get_device_name() if device == "cuda" else "cpu",
                           "torch": torch.__version__})
        write_safetensors(os.path.join(args.out, "model.safetensors"), model.state_dict(), provenance)

    t_log = time.time()
    loss_sum, loss_n = 0.0, 0
    while step < args.steps:
        if args.time_limit and time.time() - start > args.time_limit:
            log(f"time limit reached at step {step}; resume with --resume")
            break
        lr = args.lr_final + 0.5 * (args.lr - args.lr_final) * (1 + math.cos(math.pi * step / args.steps))
        for g in opt.param_groups:
            g["lr"] = lr
        hr, lr_img, k, s, sigma = sampler.sample(gen)
        out = model(lr_img, k, s, sigma)
        loss = F.l1_loss(out, hr)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        step += 1
        if args.plan_seconds and step == 20:
            t_plan = time.time()
        if args.plan_seconds and step == 120:
            per_step = (time.time() - t_plan) / 100
            args.steps = max(step + 1, int(args.plan_seconds / per_step))
            args.plan_seconds = 0
            log(f"planned {args.steps} steps at {per_step * 1000:.1f} ms/step")
        loss_sum += loss.item()
        loss_n += 1
        if step % 200 == 0:
            now = time.time()
            log(f"step {step}/{args.steps} loss {loss_sum / loss_n:.5f} lr {lr:.2e} {(now - t_log) / loss_n * 1000:.1f} ms/step")
            t_log, loss_sum, loss_n = now, 0.0, 0
        if step % args.validate_every == 0 or step == args.steps:
            v, b = validate(model, cases)
            best = max(best, v)
            log(f"validation step {step} psnr {v:.3f} dB (nearest {b:.3f} dB)")
            save()
    save()
    log(f"saved step {step} after {time.time() - start:.0f} s")


if __name__ == "__main__":
    main()
