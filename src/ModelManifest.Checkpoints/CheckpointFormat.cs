namespace ModelManifest.Checkpoints;

/// <summary>Checkpoint file formats the readers understand.</summary>
public enum CheckpointFormat
{
    /// <summary>Not recognised: only size and sha256 are reported.</summary>
    Other = 0,
    /// <summary>safetensors: 8-byte little-endian header length, JSON header, raw tensor data.</summary>
    Safetensors,
    /// <summary>GGUF v1/v2/v3 (llama.cpp).</summary>
    Gguf,
    /// <summary>ONNX ModelProto (protobuf).</summary>
    Onnx,
    /// <summary>A PyTorch zip checkpoint (<c>torch.save</c> since 1.6, <c>.pt</c>/<c>.ckpt</c>).</summary>
    Torch,
}
