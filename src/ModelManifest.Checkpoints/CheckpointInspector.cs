namespace ModelManifest.Checkpoints;

/// <summary>Everything read from one checkpoint file: size, optional sha256, format and the format's header.</summary>
public sealed record CheckpointInfo
{
    /// <summary>Full path of the file.</summary>
    public required string Path { get; init; }

    /// <summary>File name without directory.</summary>
    public string FileName => System.IO.Path.GetFileName(Path);

    /// <summary>Size in bytes.</summary>
    public required long Size { get; init; }

    /// <summary>SHA-256 as lowercase hex, or null when hashing was skipped.</summary>
    public string? Sha256 { get; init; }

    /// <summary>Detected format.</summary>
    public required CheckpointFormat Format { get; init; }

    /// <summary>safetensors header, when <see cref="Format"/> is safetensors.</summary>
    public SafetensorsHeader? Safetensors { get; init; }

    /// <summary>GGUF header, when <see cref="Format"/> is GGUF.</summary>
    public GgufHeader? Gguf { get; init; }

    /// <summary>ONNX model metadata, when <see cref="Format"/> is ONNX.</summary>
    public OnnxModelInfo? Onnx { get; init; }

    /// <summary>PyTorch zip contents, when <see cref="Format"/> is torch.</summary>
    public TorchCheckpointInfo? Torch { get; init; }

    /// <summary>Total parameter count where the format states tensor shapes.</summary>
    public long? ParameterCount => Safetensors?.ParameterCount ?? Gguf?.ParameterCount ?? Torch?.ParameterCount;
}

/// <summary>Detects a checkpoint's format, reads its header with the matching reader, and optionally hashes it.</summary>
public static class CheckpointInspector
{
    /// <summary>
    /// Inspects <paramref name="path"/>. Reading metadata touches only headers; hashing (unless
    /// <paramref name="hash"/> is false) reads the file once, sequentially.
    /// </summary>
    /// <exception cref="CheckpointFormatException">The file claims a format but is malformed.</exception>
    public static CheckpointInfo Inspect(string path, bool hash = true, IProgress<long>? hashProgress = null, CancellationToken cancellationToken = default)
    {
        string full = System.IO.Path.GetFullPath(path);
        CheckpointInfo info = CheckpointFile.Read(full, stream =>
        {
            CheckpointFormat format = CheckpointSniffer.Detect(stream);
            if (format == CheckpointFormat.Other && full.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase))
            {
                format = CheckpointFormat.Onnx;
            }

            var found = new CheckpointInfo { Path = full, Size = stream.Length, Format = format };
            return format switch
            {
                CheckpointFormat.Safetensors => found with { Safetensors = SafetensorsReader.Read(stream) },
                CheckpointFormat.Gguf => found with { Gguf = GgufReader.Read(stream) },
                CheckpointFormat.Onnx => found with { Onnx = OnnxReader.Read(stream) },
                CheckpointFormat.Torch => found with { Torch = TorchZipReader.Read(stream) },
                _ => found,
            };
        });

        if (!hash)
        {
            return info;
        }

        // The recorded size is the number of bytes the hash covers, so the two always describe the same content.
        var (sha256, length) = Sha256Hasher.HashFileCounted(full, hashProgress, cancellationToken);
        if (length != info.Size)
        {
            throw new CheckpointFormatException(info.Format, length, $"the file changed while it was read ({info.Size} bytes, then {length}): retry when it is complete").WithFile(full);
        }

        return info with { Sha256 = sha256 };
    }
}
