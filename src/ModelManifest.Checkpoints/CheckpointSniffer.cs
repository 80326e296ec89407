using System.Buffers.Binary;

namespace ModelManifest.Checkpoints;

/// <summary>Recognises a checkpoint's format from its first bytes (and, for ONNX, its first protobuf field).</summary>
public static class CheckpointSniffer
{
    /// <summary>Detects the format of the file at <paramref name="path"/>.</summary>
    public static CheckpointFormat DetectFile(string path)
    {
        using FileStream stream = CheckpointFile.OpenRead(path);
        CheckpointFormat format = Detect(stream);
        if (format == CheckpointFormat.Other && path.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase))
        {
            // An ONNX file whose first field is not ir_version is unusual but legal; let the reader decide.
            return CheckpointFormat.Onnx;
        }

        return format;
    }

    /// <summary>Detects the format of a seekable stream; the position is restored.</summary>
    public static CheckpointFormat Detect(Stream stream)
    {
        long start = stream.Position;
        try
        {
            Span<byte> head = stackalloc byte[16];
            int n = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
            head = head[..n];
            if (n >= 4 && BinaryPrimitives.ReadUInt32LittleEndian(head) == GgufReader.Magic)
            {
                return CheckpointFormat.Gguf;
            }

            if (n >= 4 && head[0] == (byte)'P' && head[1] == (byte)'K' && head[2] == 3 && head[3] == 4)
            {
                stream.Position = start;
                return TorchZipReader.LooksLikeTorch(stream) ? CheckpointFormat.Torch : CheckpointFormat.Other;
            }

            stream.Position = start;
            if (TorchLegacyReader.IsLegacy(stream))
            {
                return CheckpointFormat.Torch;
            }

            if (n >= 9)
            {
                ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(head);
                // Lengths are not checked here: a safetensors file with a lying header length must reach the
                // reader and fail there with a clear error, not pass as "other".
                if (head[8] == (byte)'{' && headerLength >= 2)
                {
                    return CheckpointFormat.Safetensors;
                }
            }

            // ONNX ModelProto writers emit ir_version (field 1, varint: tag 0x08) first; IR versions are small.
            if (n >= 2 && head[0] == 0x08 && head[1] is > 0 and < 64)
            {
                return CheckpointFormat.Onnx;
            }

            return CheckpointFormat.Other;
        }
        finally
        {
            stream.Position = start;
        }
    }
}
