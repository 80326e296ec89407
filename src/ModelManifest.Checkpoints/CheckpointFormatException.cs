namespace ModelManifest.Checkpoints;

/// <summary>
/// A checkpoint file is malformed: truncated, a length or offset beyond the file, an absurd count, an unknown
/// version. Carries the byte offset where the problem was found so a message can point at it.
/// </summary>
public sealed class CheckpointFormatException : Exception
{
    /// <summary>Creates the exception.</summary>
    public CheckpointFormatException(CheckpointFormat format, long offset, string reason, Exception? inner = null)
        : base($"{FormatName(format)} at offset {offset}: {reason}", inner)
    {
        Format = format;
        Offset = offset;
        Reason = reason;
    }

    /// <summary>The format the reader expected.</summary>
    public CheckpointFormat Format { get; }

    /// <summary>Byte offset in the file where the problem was detected.</summary>
    public long Offset { get; }

    /// <summary>What is wrong, without the offset.</summary>
    public string Reason { get; }

    private static string FormatName(CheckpointFormat format) => format switch
    {
        CheckpointFormat.Safetensors => "safetensors",
        CheckpointFormat.Gguf => "GGUF",
        CheckpointFormat.Onnx => "ONNX",
        CheckpointFormat.Torch => "PyTorch zip",
        _ => "file",
    };
}
