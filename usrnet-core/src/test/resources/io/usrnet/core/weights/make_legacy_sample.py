#!/usr/bin/env python3
"""Writes legacy-format PyTorch checkpoints (torch < 1.6 / _use_new_zipfile_serialization=False)
without torch, with Python's own pickle module, for LegacyPthReaderTest.

    python3 make_legacy_sample.py                      # writes legacy_sample.pth next to this script
    python3 make_legacy_sample.py IN.safetensors OUT   # the tensors of a float32 .safetensors file

Layout (as torch's legacy writer): pickles of the magic number, of the version 1001 and of a sys_info
dict; the main pickle, whose storages are persistent ids
('storage', torch.<Type>Storage, key, location, numel, view_metadata); the sorted list of storage
keys; then per key an int64 element count and the elements, all little-endian. Protocol 2.

The torch names the pickle must reference (torch.FloatStorage, torch._utils._rebuild_tensor_v2, ...)
are stand-ins registered in sys.modules below, so pickle writes GLOBAL opcodes for them exactly as it
does for the real ones.
"""
import collections
import json
import os
import pickle
import struct
import sys
import types

import numpy as np

MAGIC = 0x1950A86A20F9469CFC6C
VERSION = 1001

torch = types.ModuleType("torch")
torch_utils = types.ModuleType("torch._utils")
torch._utils = torch_utils
sys.modules["torch"] = torch
sys.modules["torch._utils"] = torch_utils


def _stand_in(module, name):
    def f(*args):
        raise RuntimeError("stand-in, never called")
    f.__module__, f.__name__, f.__qualname__ = module.__name__, name, name
    setattr(module, name, f)
    return f


_rebuild_tensor_v2 = _stand_in(torch_utils, "_rebuild_tensor_v2")
_rebuild_tensor = _stand_in(torch_utils, "_rebuild_tensor")

STORAGE_TYPES = {}
for _name, _dtype in [("FloatStorage", "<f4"), ("DoubleStorage", "<f8"), ("LongStorage", "<i8")]:
    _cls = type(_name, (), {"__module__": "torch", "__qualname__": _name})
    setattr(torch, _name, _cls)
    STORAGE_TYPES[_name] = (_cls, _dtype)


class Storage:
    """A root storage (data) or a view of one (root, view key, start, numel)."""

    def __init__(self, key, type_name, data=None, location="cpu", root=None, view=None):
        self.key, self.type_name, self.location = key, type_name, location
        self.data = None if data is None else np.asarray(data, dtype=STORAGE_TYPES[type_name][1])
        self.root, self.view = root, view


class Tensor:
    def __init__(self, storage, offset, size, stride, old=False):
        self.storage, self.offset, self.size, self.stride, self.old = storage, offset, size, stride, old

    def __reduce__(self):
        if self.old:  # torch < 0.4
            return _rebuild_tensor, (self.storage, self.offset, tuple(self.size), tuple(self.stride))
        return _rebuild_tensor_v2, (self.storage, self.offset, tuple(self.size), tuple(self.stride), False,
                                    collections.OrderedDict())


def legacy_save(obj, f):
    serialized = {}

    def persistent_id(o):
        if not isinstance(o, Storage):
            return None
        root = o.root or o
        serialized[root.key] = root
        cls = STORAGE_TYPES[root.type_name][0]
        view = None if o.view is None else (o.view[0], o.view[1], o.view[2])
        return ("storage", cls, root.key, root.location, root.data.size, view)

    pickle.dump(MAGIC, f, protocol=2)
    pickle.dump(VERSION, f, protocol=2)
    pickle.dump(dict(protocol_version=VERSION, little_endian=True, type_sizes=dict(short=2, int=4, long=8)),
                f, protocol=2)
    p = pickle.Pickler(f, protocol=2)
    p.persistent_id = persistent_id
    p.dump(obj)
    keys = sorted(serialized)
    pickle.dump(keys, f, protocol=2)
    for k in keys:
        data = serialized[k].data
        f.write(struct.pack("<q", data.size))
        f.write(data.tobytes())


def state_dict(items):
    sd = collections.OrderedDict(items)
    sd._metadata = collections.OrderedDict([("", {"version": 1})])  # as nn.Module.state_dict() sets it
    return sd


def sample():
    a = Storage("94180000002048", "FloatStorage", np.arange(6) * 0.5 - 1, location="cuda:0")
    b = Storage("94180000004096", "DoubleStorage", [10, 20, 30, 40, 50])
    c = Storage("94180000001024", "FloatStorage", np.arange(10) + 100)
    c_view = Storage(None, "FloatStorage", root=c, view=("94180000001536", 4, 5))
    d = Storage("94180000008192", "FloatStorage", [0.25, -0.25])
    step = Storage("94180000000512", "LongStorage", [3])
    sd = state_dict([
        ("module.a.weight", Tensor(a, 0, (2, 3), (3, 1))),
        ("module.a.t", Tensor(a, 0, (3, 2), (1, 3))),
        ("module.b.bias", Tensor(b, 2, (3,), (1,))),
        ("module.c.weight", Tensor(c_view, 1, (2, 2), (2, 1))),
        ("module.d.old", Tensor(d, 0, (2,), (1,), old=True)),
    ])
    optimizer = {"state": {0: {"step": Tensor(step, 0, (), ())}},
                 "param_groups": [{"lr": 0.001, "betas": (0.9, 0.999), "params": [0]}]}
    return {"epoch": 7, "state_dict": sd, "optimizer": optimizer}


def from_safetensors(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        blob = f.read()
    items = []
    for i, (name, info) in enumerate((k, v) for k, v in header.items() if k != "__metadata__"):
        assert info["dtype"] == "F32", name
        begin, end = info["data_offsets"]
        values = np.frombuffer(blob[begin:end], dtype="<f4")
        storage = Storage(str(94180000000000 + 1024 * i), "FloatStorage", values,
                          location="cuda:0" if i % 2 == 0 else "cpu")
        shape = tuple(info["shape"])
        stride = tuple(int(np.prod(shape[d + 1:])) for d in range(len(shape)))
        items.append((name, Tensor(storage, 0, shape, stride)))
    return state_dict(items)


if __name__ == "__main__":
    if len(sys.argv) == 3:
        obj, out = from_safetensors(sys.argv[1]), sys.argv[2]
    else:
        obj, out = sample(), os.path.join(os.path.dirname(os.path.abspath(__file__)), "legacy_sample.pth")
    with open(out, "wb") as f:
        legacy_save(obj, f)
