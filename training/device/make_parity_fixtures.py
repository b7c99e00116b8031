#!/usr/bin/env python3
"""Parity fixtures: the original USRNet network, run in float64, on random models of odd widths.

Writes the cases that usrnet-core's ParityFixtureTest and TrainingParityTest check every build
against (issue 11: the engine's AVX-512 kernels gave wrong images and NaN for channel counts that
are not a multiple of 16, which the shared fixtures, made without AVX-512, never exercised).

The models are not stored: their weights are regenerated from a seed by the same generator as the
Java library's ModelWeights.random(config, seed) (java.util.SplittableRandom, reimplemented below),
so a case is a few kilobytes: the LR image, the kernel and the float64 outputs.

Cases (manifest.json lists each with its parameters):
  * restore/caseNN: every configuration of CONFIGS at scales 1..4 -> out64.npy, the whole network
    (hyper-network, data step, ResUNet) in float64; HR sizes not multiples of 8 (replicate padding).
  * train/caseNN: one case per configuration at scale 2 with an HR target: the L1 training loss
    (mean |out - hr|) and, after backward, the L2 norm of the gradient of every tensor and the full
    gradients of the head, the tail and the hyper-network's layers.

The network is the one of train_usrnet.py, which reproduces the original code's fixtures to 5e-16
in float64 (`train_usrnet.py --check-fixtures`). Any PyTorch works (CPU, float64); Debian's
python3-torch 1.13 was used:
  apt-get install python3-torch
  /usr/bin/python3 training/device/make_parity_fixtures.py test-data/parity
"""
import json
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from train_usrnet import USRNet  # noqa: E402

# (widths, blocks): the table (the built-in widths and four that are not multiples of 16)
CONFIGS = [((16, 32, 64, 64), 2), ((8, 16, 24, 32), 1), ((24, 48, 96, 128), 3), ((20, 40, 80, 160), 2),
           ((40, 72, 104, 136), 2)]
ITERATIONS = 3
HYPER_WIDTH = 16
LR_SIZE = {1: (37, 30), 2: (19, 15), 3: (13, 10), 4: (10, 8)}  # HR 37x30, 38x30, 39x30, 40x32
SIGMA255 = {1: 15.0, 2: 2.55, 3: 7.65, 4: 0.0}
GRADIENTS_IN_FULL = ["p.m_head.weight", "p.m_tail.weight", "h.mlp.0.weight", "h.mlp.4.weight"]

_MASK = (1 << 64) - 1
_GOLDEN_GAMMA = 0x9E3779B97F4A7C15


def split_mix_doubles(seed, start, count):
    """Draws start+1 .. start+count of java.util.SplittableRandom(seed).nextDouble()."""
    index = np.arange(start + 1, start + count + 1, dtype=np.uint64)
    z = np.uint64(seed & _MASK) + index * np.uint64(_GOLDEN_GAMMA)  # wraps modulo 2^64, as Java's long
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    z = z ^ (z >> np.uint64(31))
    return (z >> np.uint64(11)).astype(np.float64) * 2.0 ** -53


def random_state_dict(model, seed):
    """ModelWeights.random(config, seed): tensors in state_dict order, uniform +-1/sqrt(fan-in)."""
    out = {}
    drawn = 0
    for name, t in model.state_dict().items():
        size = t.numel()
        fan_in = size // t.shape[0] if t.dim() > 1 else t.shape[0]
        u = split_mix_doubles(seed, drawn, size)
        drawn += size
        values = ((2 * u - 1) * (1 / np.sqrt(fan_in))).astype(np.float32)  # (float) of the double product
        out[name] = torch.from_numpy(values.reshape(tuple(t.shape)))
    return out


def gaussian_kernel(size, var1, var2, angle):
    """A normalised anisotropic Gaussian, float64."""
    c, s = np.cos(angle), np.sin(angle)
    r = np.array([[c, -s], [s, c]])
    inv = np.linalg.inv(r @ np.diag([var1, var2]) @ r.T)
    yy, xx = np.mgrid[:size, :size] - (size - 1) / 2
    q = inv[0, 0] * xx * xx + 2 * inv[0, 1] * xx * yy + inv[1, 1] * yy * yy
    k = np.exp(-0.5 * q)
    return k / k.sum()


def model_for(widths, blocks, seed):
    model = USRNet(n_iter=ITERATIONS, h_nc=HYPER_WIDTH, nc=widths, nb=blocks).double()
    model.load_state_dict({k: v.double() for k, v in random_state_dict(model, seed).items()})
    return model


def run(model, lr, k, scale, sigma255):
    return model(torch.from_numpy(lr).double().permute(2, 0, 1)[None], torch.from_numpy(k)[None, None], scale,
                 torch.tensor([sigma255 / 255.0], dtype=torch.float64))


def main(out_dir):
    torch.set_num_threads(1)
    cases = {}
    n = 0
    for ci, (widths, blocks) in enumerate(CONFIGS):
        seed = 100 + ci
        model = model_for(widths, blocks, seed)
        config = {"n_iter": ITERATIONS, "h_nc": HYPER_WIDTH, "nc": list(widths), "nb": blocks, "seed": seed}
        for scale in (1, 2, 3, 4):
            rng = np.random.default_rng(1000 + n)
            h, w = LR_SIZE[scale]
            lr = rng.random((h, w, 3), dtype=np.float32)
            k = gaussian_kernel(9, rng.uniform(0.8, 4), rng.uniform(0.8, 4), rng.uniform(0, np.pi))
            name = "restore/case%02d" % n
            os.makedirs(os.path.join(out_dir, name), exist_ok=True)
            with torch.no_grad():
                out = run(model, lr, k, scale, SIGMA255[scale])[0].permute(1, 2, 0).numpy()
            np.save(os.path.join(out_dir, name, "lr.npy"), lr)
            np.save(os.path.join(out_dir, name, "k.npy"), k)
            np.save(os.path.join(out_dir, name, "out64.npy"), out)
            cases[name] = dict(config, sf=scale, sigma=SIGMA255[scale])
            print(name, config, "s=%d" % scale, "max |out| %.3f" % np.abs(out).max(), flush=True)
            n += 1
        # training: loss and gradients at scale 2
        scale = 2
        rng = np.random.default_rng(2000 + ci)
        h, w = LR_SIZE[scale]
        lr = rng.random((h, w, 3), dtype=np.float32)
        hr = rng.random((h * scale, w * scale, 3), dtype=np.float32)
        k = gaussian_kernel(9, rng.uniform(0.8, 4), rng.uniform(0.8, 4), rng.uniform(0, np.pi))
        model.zero_grad()
        out = run(model, lr, k, scale, 5.0)
        loss = (out - torch.from_numpy(hr).double().permute(2, 0, 1)[None]).abs().mean()
        loss.backward()
        name = "train/case%02d" % ci
        os.makedirs(os.path.join(out_dir, name), exist_ok=True)
        np.save(os.path.join(out_dir, name, "lr.npy"), lr)
        np.save(os.path.join(out_dir, name, "hr.npy"), hr)
        np.save(os.path.join(out_dir, name, "k.npy"), k)
        norms = {}
        for pname, p in model.named_parameters():
            norms[pname] = float(p.grad.norm())
            if pname in GRADIENTS_IN_FULL:
                np.save(os.path.join(out_dir, name, pname + ".grad64.npy"), p.grad.numpy())
        cases[name] = dict(config, sf=scale, sigma=5.0, loss=float(loss), grad_norms=norms,
                           grads_in_full=GRADIENTS_IN_FULL)
        print(name, config, "loss %.6f" % float(loss), flush=True)
    manifest = {
        "generator": "training/device/make_parity_fixtures.py",
        "torch": torch.__version__,
        "weights": "ModelWeights.random(config, seed) / random_state_dict(model, seed)",
        "cases": cases,
    }
    with open(os.path.join(out_dir, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)


if __name__ == "__main__":
    main(sys.argv[1])
