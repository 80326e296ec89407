namespace ModelManifest;

/// <summary>File format of an asset.</summary>
[JsonConverter(typeof(CamelCaseEnumConverter<AssetFormat>))]
public enum AssetFormat
{
    /// <summary>Any other format (the default).</summary>
    Other = 0,
    /// <summary>An ONNX model.</summary>
    Onnx,
    /// <summary>A safetensors file.</summary>
    Safetensors,
    /// <summary>A GGUF file (llama.cpp).</summary>
    Gguf,
    /// <summary>A PyTorch zip checkpoint (.pt/.ckpt).</summary>
    Torch,
    /// <summary>A tokenizer definition.</summary>
    Tokenizer,
}
