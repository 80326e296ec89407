using System.Collections.Immutable;
using System.Text.Json;

namespace ModelManifest.Checkpoints;

/// <summary>The header of a safetensors file.</summary>
/// <param name="HeaderLength">Length of the JSON header in bytes (the 8-byte prefix's value).</param>
/// <param name="DataStart">Absolute offset of the data section (8 + header length).</param>
/// <param name="FileLength">Length of the whole file.</param>
/// <param name="Tensors">Tensors in header order, with absolute offsets.</param>
/// <param name="Metadata">The <c>__metadata__</c> string map (empty when absent).</param>
public sealed record SafetensorsHeader(
    long HeaderLength,
    long DataStart,
    long FileLength,
    ImmutableArray<TensorEntry> Tensors,
    ImmutableSortedDictionary<string, string> Metadata)
{
    /// <summary>Total number of parameters (sum of element counts).</summary>
    public long ParameterCount => Tensors.Sum(t => t.ElementCount);
}

/// <summary>
/// Reads the header of a safetensors file (8-byte little-endian header length, JSON header, raw data) without
/// touching the tensor data. Lengths and offsets are checked against the file before anything is allocated.
/// </summary>
public static class SafetensorsReader
{
    /// <summary>The reference implementation refuses headers above 100 MB; so do we.</summary>
    public const long MaxHeaderLength = 100_000_000;

    /// <summary>Bytes per element of each safetensors dtype.</summary>
    public static readonly ImmutableDictionary<string, int> DTypeSizes = new Dictionary<string, int>
    {
        ["BOOL"] = 1, ["U8"] = 1, ["I8"] = 1, ["F8_E5M2"] = 1, ["F8_E4M3"] = 1, ["F8_E8M0"] = 1,
        ["I16"] = 2, ["U16"] = 2, ["F16"] = 2, ["BF16"] = 2,
        ["I32"] = 4, ["U32"] = 4, ["F32"] = 4,
        ["I64"] = 8, ["U64"] = 8, ["F64"] = 8, ["C64"] = 8,
    }.ToImmutableDictionary(StringComparer.Ordinal);

    /// <summary>Reads the header of the file at <paramref name="path"/>.</summary>
    public static SafetensorsHeader ReadFile(string path)
    {
        return CheckpointFile.Read(path, Read);
    }

    /// <summary>Reads the header from a seekable stream positioned at the file's start.</summary>
    public static SafetensorsHeader Read(Stream stream)
    {
        var cursor = new BinaryCursor(stream, CheckpointFormat.Safetensors);
        ulong headerLength = cursor.ReadUInt64("header length");
        if (headerLength > (ulong)cursor.Remaining)
        {
            throw cursor.Error(0, $"header length {headerLength} exceeds the {cursor.Remaining} bytes after the length prefix");
        }

        if (headerLength > MaxHeaderLength)
        {
            throw cursor.Error(0, $"header length {headerLength} exceeds the limit of {MaxHeaderLength} bytes");
        }

        if (headerLength < 2)
        {
            throw cursor.Error(0, $"header length {headerLength} is too small for a JSON object");
        }

        byte[] json = cursor.ReadBytes(headerLength, MaxHeaderLength, "header");
        long dataStart = 8 + (long)headerLength;
        long dataLength = cursor.Length - dataStart;

        if (!System.Text.Unicode.Utf8.IsValid(json))
        {
            throw cursor.Error(8, "header is not valid UTF-8");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException e)
        {
            throw cursor.Error(8 + (e.BytePositionInLine ?? 0), "header is not valid JSON: " + FirstLine(e.Message));
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw cursor.Error(8, "header is not a JSON object");
            }

            var tensors = ImmutableArray.CreateBuilder<TensorEntry>();
            var metadata = ImmutableSortedDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (JsonProperty property in document.RootElement.EnumerateObject())
            {
                // JSON allows a repeated name; two readers of one file could then see different tensors.
                if (!names.Add(property.Name))
                {
                    throw cursor.Error(8, $"the header names '{property.Name}' twice");
                }

                if (property.Name == "__metadata__")
                {
                    ReadMetadata(cursor, property.Value, metadata);
                    continue;
                }

                tensors.Add(ReadTensor(cursor, property, dataStart, dataLength));
            }

            return new SafetensorsHeader((long)headerLength, dataStart, cursor.Length, tensors.ToImmutable(), metadata.ToImmutable());
        }
    }

    private static void ReadMetadata(BinaryCursor cursor, JsonElement value, ImmutableSortedDictionary<string, string>.Builder metadata)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw cursor.Error(8, "__metadata__ is not a JSON object");
        }

        foreach (JsonProperty entry in value.EnumerateObject())
        {
            // The format says string values; keep other JSON as its text rather than failing.
            metadata[entry.Name] = entry.Value.ValueKind == JsonValueKind.String ? entry.Value.GetString()! : entry.Value.GetRawText();
        }
    }

    private static TensorEntry ReadTensor(BinaryCursor cursor, JsonProperty property, long dataStart, long dataLength)
    {
        string name = property.Name;
        JsonElement t = property.Value;
        if (t.ValueKind != JsonValueKind.Object
            || !t.TryGetProperty("dtype", out JsonElement dtype) || dtype.ValueKind != JsonValueKind.String
            || !t.TryGetProperty("shape", out JsonElement shape) || shape.ValueKind != JsonValueKind.Array
            || !t.TryGetProperty("data_offsets", out JsonElement offsets) || offsets.ValueKind != JsonValueKind.Array
            || offsets.GetArrayLength() != 2)
        {
            throw cursor.Error(8, $"tensor '{name}' needs dtype (string), shape (array) and data_offsets ([begin, end])");
        }

        var dims = ImmutableArray.CreateBuilder<long>(shape.GetArrayLength());
        foreach (JsonElement d in shape.EnumerateArray())
        {
            if (d.ValueKind != JsonValueKind.Number || !d.TryGetInt64(out long size) || size < 0)
            {
                throw cursor.Error(8, $"tensor '{name}' has a shape entry that is not a non-negative integer");
            }

            dims.Add(size);
        }

        if (!offsets[0].TryGetInt64(out long begin) || !offsets[1].TryGetInt64(out long end) || begin < 0 || end < begin)
        {
            throw cursor.Error(8, $"tensor '{name}' has invalid data_offsets");
        }

        if (end > dataLength)
        {
            throw cursor.Error(dataStart + begin, $"tensor '{name}' data [{begin}, {end}) ends past the data section of {dataLength} bytes");
        }

        var entry = new TensorEntry(name, dtype.GetString()!, dims.ToImmutable(), dataStart + begin, end - begin);
        try
        {
            _ = entry.ElementCount;
        }
        catch (OverflowException)
        {
            throw cursor.Error(8, $"tensor '{name}' has a shape whose element count overflows");
        }

        return entry;
    }

    /// <summary>
    /// Consistency checks beyond what reading needs: known dtypes, byte length = elements x dtype size,
    /// no overlapping tensors, and no holes (the data section is exactly the tensors' bytes).
    /// </summary>
    public static IReadOnlyList<string> Check(SafetensorsHeader header)
    {
        var problems = new List<string>();
        foreach (TensorEntry t in header.Tensors)
        {
            if (!DTypeSizes.TryGetValue(t.DataType, out int size))
            {
                problems.Add($"tensor '{t.Name}': unknown dtype '{t.DataType}'");
                continue;
            }

            long expected = t.ElementCount * size;
            if (expected != t.ByteLength)
            {
                problems.Add($"tensor '{t.Name}': {t.ByteLength} bytes stored but {t.DataType} x [{string.Join(", ", t.Shape)}] needs {expected}");
            }
        }

        long cursor = header.DataStart;
        foreach (TensorEntry t in header.Tensors.Where(t => t.ByteLength > 0).OrderBy(t => t.DataOffset))
        {
            if (t.DataOffset < cursor)
            {
                problems.Add($"tensor '{t.Name}' at offset {t.DataOffset} overlaps the previous tensor (ending at {cursor})");
            }
            else if (t.DataOffset > cursor)
            {
                problems.Add($"hole of {t.DataOffset - cursor} bytes before tensor '{t.Name}' at offset {cursor}");
            }

            cursor = Math.Max(cursor, t.DataOffset + t.ByteLength);
        }

        if (cursor != header.FileLength)
        {
            problems.Add($"the tensors end at offset {cursor} but the file is {header.FileLength} bytes long");
        }

        return problems;
    }

    /// <summary>Reads one tensor's bytes (bounded by <paramref name="maxBytes"/>).</summary>
    public static byte[] ReadTensorData(Stream stream, TensorEntry tensor, long maxBytes = 1L << 30)
    {
        var cursor = new BinaryCursor(stream, CheckpointFormat.Safetensors);
        cursor.Seek(tensor.DataOffset);
        return cursor.ReadBytes((ulong)tensor.ByteLength, Math.Min(maxBytes, int.MaxValue), $"data of tensor '{tensor.Name}'");
    }

    internal static string FirstLine(string message)
    {
        int i = message.IndexOf('\n', StringComparison.Ordinal);
        return i < 0 ? message : message[..i].TrimEnd();
    }
}
