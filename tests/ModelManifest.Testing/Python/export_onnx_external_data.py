"""Exports a small torch model to ONNX with its weights in an external data file, as exporters lay it out.

Usage: export_onnx_external_data.py <out-dir>
Writes <out-dir>/model.onnx (the graph; every initializer of 1 KiB or more has data_location=EXTERNAL) and
<out-dir>/model.onnx.data (their bytes, one after another), the layout onnx.save_model(...,
save_as_external_data=True, all_tensors_to_one_file=True, location="model.onnx.data") produces. Prints one JSON line:
the input used and the output torch computed, for ONNX Runtime to reproduce.

torch.onnx.export writes external data only past 2 GB, and Debian ships no onnx/protobuf Python modules, so the
exported protobuf is rewritten here with a minimal wire-format reader/writer (the same fields onnx's
external_data_helper sets: TensorProto.raw_data (9) moves out, external_data (13) and data_location (14) come in).
"""
import io
import json
import os
import sys

import torch

OUT = sys.argv[1]
DATA_NAME = "model.onnx.data"
THRESHOLD = 1024


def read_varint(buf, pos):
    result = shift = 0
    while True:
        b = buf[pos]
        pos += 1
        result |= (b & 0x7F) << shift
        if b < 0x80:
            return result, pos
        shift += 7


def varint(value):
    out = bytearray()
    while True:
        b = value & 0x7F
        value >>= 7
        if value:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def fields(buf):
    """Yields (field number, wire type, raw bytes of the whole field, payload) for each field of a message."""
    pos = 0
    while pos < len(buf):
        start = pos
        key, pos = read_varint(buf, pos)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, pos = read_varint(buf, pos)
            payload = value
        elif wire == 1:
            payload, pos = buf[pos:pos + 8], pos + 8
        elif wire == 2:
            length, pos = read_varint(buf, pos)
            payload, pos = buf[pos:pos + length], pos + length
        elif wire == 5:
            payload, pos = buf[pos:pos + 4], pos + 4
        else:
            raise ValueError("unsupported wire type %d" % wire)
        yield number, wire, buf[start:pos], payload


def length_delimited(number, payload):
    return varint(number << 3 | 2) + varint(len(payload)) + payload


def entry(key, value):
    return length_delimited(1, key.encode()) + length_delimited(2, value.encode())


def externalize_tensor(tensor, data):
    raw = next((p for n, w, _, p in fields(tensor) if n == 9), None)
    if raw is None or len(raw) < THRESHOLD:
        return tensor
    offset = data.tell()
    data.write(raw)
    kept = b"".join(whole for n, _, whole, _ in fields(tensor) if n != 9)
    for key, value in (("location", DATA_NAME), ("offset", str(offset)), ("length", str(len(raw)))):
        kept += length_delimited(13, entry(key, value))
    return kept + varint(14 << 3 | 0) + varint(1)


def rewrite(message, path, data):
    """Rewrites the fields on `path` (field numbers from ModelProto down to the tensors) and keeps every other byte."""
    out = b""
    for number, wire, whole, payload in fields(message):
        if wire == 2 and number == path[0]:
            inner = externalize_tensor(payload, data) if len(path) == 1 else rewrite(payload, path[1:], data)
            out += length_delimited(number, inner)
        else:
            out += whole
    return out


class Net(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.hidden = torch.nn.Linear(32, 64)
        self.out = torch.nn.Linear(64, 4)

    def forward(self, x):
        return self.out(torch.relu(self.hidden(x)))


torch.manual_seed(7)
net = Net().eval()
x = torch.linspace(-1.0, 1.0, 32).reshape(1, 32)
buffer = io.BytesIO()
torch.onnx.export(net, (x,), buffer, input_names=["input"], output_names=["output"], opset_version=13)

os.makedirs(OUT, exist_ok=True)
with open(os.path.join(OUT, DATA_NAME), "wb") as data:
    # ModelProto.graph (7) -> GraphProto.initializer (5) -> TensorProto
    model = rewrite(buffer.getvalue(), [7, 5], data)
    if data.tell() == 0:
        raise SystemExit("no initializer was large enough to move out")
with open(os.path.join(OUT, "model.onnx"), "wb") as f:
    f.write(model)

with torch.no_grad():
    y = net(x)
print(json.dumps({"input": x.flatten().tolist(), "output": y.flatten().tolist()}))
