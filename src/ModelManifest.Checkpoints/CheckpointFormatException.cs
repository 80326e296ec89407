namespace ModelManifest.Checkpoints;

/// <summary>
/// A checkpoint file is malformed: truncated, a length or offset beyond the file, an absurd count, an unknown
/// version. Carries the byte offset where the problem was found (and the file, when read from a path) so a
/// message can point at it.
/// </summary>
public sealed class CheckpointFormatException : Exception
{
    /// <summary>Creates the exception.</summary>
    public CheckpointFormatException(CheckpointFormat format, long offset, string reason, Exception? inner = null)
        : this(format, offset, reason, null, inner)
    {
    }

    private CheckpointFormatException(CheckpointFormat format, long offset, string reason, string? filePath, Exception? inner)
        : base((filePath is null ? "" : filePath + ": ") + Describe(format, offset, reason), inner)
    {
        Format = format;
        Offset = offset;
        Reason = reason;
        FilePath = filePath;
    }

    /// <summary>The format the reader expected.</summary>
    public CheckpointFormat Format { get; }

    /// <summary>Byte offset in the file where the problem was detected.</summary>
    public long Offset { get; }

    /// <summary>What is wrong, without the offset.</summary>
    public string Reason { get; }

    /// <summary>The file, when the reader was given a path; otherwise null.</summary>
    public string? FilePath { get; }

    /// <summary>Format, offset and reason without the file, e.g. <c>GGUF at offset 24: ...</c>.</summary>
    public string Detail => Describe(Format, Offset, Reason);

    /// <summary>The same error, naming <paramref name="path"/>.</summary>
    public CheckpointFormatException WithFile(string path) => new(Format, Offset, Reason, path, InnerException);

    private static string Describe(CheckpointFormat format, long offset, string reason) => $"{FormatName(format)} at offset {offset}: {reason}";

    private static string FormatName(CheckpointFormat format) => format switch
    {
        CheckpointFormat.Safetensors => "safetensors",
        CheckpointFormat.Gguf => "GGUF",
        CheckpointFormat.Onnx => "ONNX",
        CheckpointFormat.Torch => "PyTorch zip",
        _ => "file",
    };
}
