"""Writes real torch.save checkpoints into argv[1] and, for each, the reference inventory that
torch.load(weights_only=True) reports (<file>.reference.json). Run by the tests with Debian's python3-torch."""
import collections
import json
import os
import sys
import zipfile

import torch

out = sys.argv[1]
torch.manual_seed(0)


def save(name, obj, **kwargs):
    path = os.path.join(out, name)
    torch.save(obj, path, **kwargs)
    return path


def storage_of(t):
    s = t.untyped_storage() if hasattr(t, "untyped_storage") else t.storage()
    return s.data_ptr(), s.nbytes()


def walk(o, path, found):
    if isinstance(o, torch.Tensor):
        ptr, nbytes = storage_of(o)
        found.append({
            "name": path,
            "dtype": str(o.dtype).replace("torch.", ""),
            "shape": list(o.shape),
            "stride": list(o.stride()),
            "offset": o.storage_offset(),
            "storage": ptr,
            "storageBytes": nbytes,
        })
    elif isinstance(o, dict):
        for k, v in o.items():
            walk(v, f"{path}.{k}" if path else str(k), found)
    elif isinstance(o, (list, tuple)):
        for i, v in enumerate(o):
            walk(v, f"{path}.{i}" if path else str(i), found)


def reference(path):
    found = []
    walk(torch.load(path, weights_only=True), "", found)
    with open(path + ".reference.json", "w") as f:
        json.dump(found, f)


mlp = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.ReLU(), torch.nn.Linear(8, 2))
base = torch.arange(24, dtype=torch.float32).reshape(4, 6)
files = {}
files["plain.pt"] = save("plain.pt", mlp.state_dict())
files["views.pt"] = save("views.pt", {
    "base": base, "row": base[1], "column": base[:, 2], "transposed": base.t(), "block": base[1:3, 2:5],
    "tied": base,
})
files["dtypes.pt"] = save("dtypes.pt", {
    "f32": torch.ones(3), "f16": torch.ones(2, 2, dtype=torch.float16), "bf16": torch.zeros(5, dtype=torch.bfloat16),
    "f64": torch.zeros(2, dtype=torch.float64), "i64": torch.arange(7), "i32": torch.arange(3, dtype=torch.int32),
    "u8": torch.zeros(4, dtype=torch.uint8), "bool": torch.tensor([True, False, True]), "scalar": torch.tensor(3.5),
    "empty": torch.zeros(0, 3),
})
files["lightning.ckpt"] = save("lightning.ckpt", {
    "epoch": 3, "global_step": 120, "pytorch-lightning_version": "2.1.0",
    "state_dict": collections.OrderedDict((f"model.{k}", v) for k, v in mlp.state_dict().items()),
    # No floats: torch 1.13's weights-only unpickler refuses BINFLOAT (newer torch and this reader accept it).
    "hyper_parameters": {"hidden": [8, 2], "name": "mlp", "bias": True},
    "optimizer_states": [{"state": {0: {"momentum_buffer": torch.ones(8, 4)}}, "param_groups": [{"params": [0, 1]}]}],
})
files["model.pt"] = save("model.pt", {"model": mlp.state_dict(), "step": 7})
files["legacy.pt"] = save("legacy.pt", {"weight": base, "half": base[2:], "mask": torch.tensor([True, False])},
                          _use_new_zipfile_serialization=False)
anemoi = save("anemoi.ckpt", {"state_dict": mlp.state_dict()})
with zipfile.ZipFile(anemoi, "a") as z:
    archive = z.namelist()[0].split("/")[0]
    z.writestr(f"{archive}/anemoi-metadata/anemoi.json", json.dumps({
        "version": "1.0", "run_id": "r-1", "dataset": {"variables": ["2t", "10u"]},
        "config": {"data": {"timestep": "6h"}}, "provenance_training": {"module_versions": {"torch": torch.__version__}},
    }))
files["anemoi.ckpt"] = anemoi
for path in files.values():
    reference(path)
print(torch.__version__)
