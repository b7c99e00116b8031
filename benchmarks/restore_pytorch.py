#!/usr/bin/env python3
"""The original USRNet network in PyTorch eager mode on the CPU: the other side of side-by-side.sh.

  restore_pytorch.py make-weights CONFIG OUT.safetensors      CONFIG: tiny | usrnet (random weights, seeded)
  restore_pytorch.py restore W.safetensors LR.npy K.npy SCALE SIGMA255 OUT.npy THREADS
  restore_pytorch.py datastep SIZE RUNS THREADS      one data step, SIZE² x 3, s = 4, 25x25 kernel

`restore` loads everything, runs the network once under torch.no_grad() in float32 with THREADS
intra-op threads, writes the output (H x W x 3 float32) and prints the restore time in seconds
(the network only, without Python start-up and loading) as `pytorch_restore_s=...`.
The network is training/device/train_usrnet.py's, which reproduces the original code's fixtures.
"""
import os
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "training", "device"))
from train_usrnet import DataStep, USRNet, config_metadata, model_config, read_safetensors, write_safetensors  # noqa: E402,E501

CONFIGS = {"tiny": dict(n_iter=6, h_nc=32, nc=(16, 32, 64, 64), nb=2),
           "usrnet": dict(n_iter=8, h_nc=64, nc=(64, 128, 256, 512), nb=2)}


def main(argv):
    if argv[0] == "make-weights":
        torch.manual_seed(1)
        cfg = CONFIGS[argv[1]]
        write_safetensors(argv[2], USRNet(**cfg).state_dict(), config_metadata(cfg))
        return
    if argv[0] == "datastep":
        size, runs, threads = (int(a) for a in argv[1:4])
        torch.set_num_threads(threads)
        yy, xx = np.mgrid[-12:13, -12:13]
        k = np.exp(-(yy ** 2 + xx ** 2) / (2 * 2.0 ** 2)).astype(np.float32)
        gen = torch.Generator().manual_seed(1)
        y = torch.rand(1, 3, size // 4, size // 4, generator=gen)
        x = torch.rand(1, 3, size, size, generator=gen)
        with torch.no_grad():
            step = DataStep(torch.from_numpy(k / k.sum())[None, None], 4, y)
            times = []
            for r in range(runs + 3):  # 3 warm-up runs (the JIT-less side needs few)
                start = time.perf_counter()
                step(x, torch.tensor(0.1))
                if r >= 3:
                    times.append(time.perf_counter() - start)
        print("pytorch_datastep_ms=%.2f" % (1000 * float(np.median(times))))
        return
    weights, lr_path, k_path, scale, sigma255, out_path, threads = argv[1:8]
    torch.set_num_threads(int(threads))
    tensors, meta = read_safetensors(weights)
    model = USRNet(**model_config(meta))
    model.load_state_dict(tensors)
    model.eval()
    lr = torch.from_numpy(np.load(lr_path).astype(np.float32)).permute(2, 0, 1)[None]
    k = torch.from_numpy(np.load(k_path).astype(np.float32))[None, None]
    sigma = torch.tensor([float(sigma255) / 255.0])
    with torch.no_grad():
        start = time.perf_counter()
        out = model(lr, k, int(scale), sigma)
        elapsed = time.perf_counter() - start
    np.save(out_path, out[0].permute(1, 2, 0).numpy())
    print("pytorch_restore_s=%.3f" % elapsed)


if __name__ == "__main__":
    main(sys.argv[1:])
