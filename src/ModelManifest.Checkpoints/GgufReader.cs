using System.Collections.Immutable;

namespace ModelManifest.Checkpoints;

/// <summary>
/// Reads GGUF v1/v2/v3 headers (magic, version, counts, key/value metadata, tensor infos) without reading tensor
/// data. Every length and count is checked against the bytes that remain in the file before it is used.
/// v1 differs from v2/v3 only in width: its tensor and key/value counts, string and array lengths, dimension
/// counts and dimensions are uint32 (v2 widened "most countable values" to uint64); tensor offsets are uint64 in all.
/// </summary>
public static class GgufReader
{
    /// <summary>"GGUF" as a little-endian uint32.</summary>
    public const uint Magic = 0x46554747;

    /// <summary>Longest string value kept (chat templates are tens of KB).</summary>
    public const long MaxStringLength = 16 << 20;

    /// <summary>Arrays with more elements keep only their count.</summary>
    public const int MaxArrayValuesKept = 64;

    private const int MaxDims = 8;
    private const int MaxArrayNesting = 4;

    /// <summary>Reads the header of the file at <paramref name="path"/>.</summary>
    public static GgufHeader ReadFile(string path)
    {
        return ReadFile(path, CheckpointLimits.Default);
    }

    /// <summary>Reads the header of the file at <paramref name="path"/>, refusing counts beyond <paramref name="limits"/>.</summary>
    public static GgufHeader ReadFile(string path, CheckpointLimits limits)
    {
        return CheckpointFile.Read(path, stream => Read(stream, limits));
    }

    /// <summary>Reads the header from a seekable stream positioned at the file's start.</summary>
    public static GgufHeader Read(Stream stream)
    {
        return Read(stream, CheckpointLimits.Default);
    }

    /// <summary>
    /// Reads the header from a seekable stream positioned at the file's start, refusing declared counts beyond
    /// <paramref name="limits"/> (a <see cref="CheckpointFormatException"/>).
    /// </summary>
    public static GgufHeader Read(Stream stream, CheckpointLimits limits) => ReadLayout(stream, limits).Header;

    /// <summary>
    /// Reads the header and where each part of it lies in the file: the byte range of every key/value record and
    /// of the tensor-info section (what <see cref="GgufMetadataEditor"/> copies byte for byte).
    /// </summary>
    internal static GgufLayout ReadLayout(Stream stream, CheckpointLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        var c = new BinaryCursor(stream, CheckpointFormat.Gguf);
        if (c.ReadUInt32("magic") != Magic)
        {
            throw c.Error(0, "not a GGUF file (magic is not 'GGUF')");
        }

        uint version = c.ReadUInt32("version");
        if (version is not (1 or 2 or 3))
        {
            throw c.Error(4, $"unsupported GGUF version {version} (a big-endian file or a newer version)");
        }

        var r = new Widths(c, version == 1 ? 4 : 8);
        long countOffset = c.Position;
        ulong tensorCount = r.ReadCount("tensor count");
        ulong kvCount = r.ReadCount("metadata count");
        // Smallest possible encodings: a tensor info is a name length + 4 (dims) + 4 (type) + 8 (offset) bytes,
        // a key/value pair a key length + 4 (type) + 1 byte.
        if (tensorCount > (ulong)c.Remaining / (ulong)(r.Size + 16))
        {
            throw c.Error(countOffset, $"tensor count {tensorCount} cannot fit in the {c.Remaining} remaining bytes");
        }

        if (kvCount > (ulong)c.Remaining / (ulong)(r.Size + 5))
        {
            throw c.Error(countOffset + r.Size, $"metadata count {kvCount} cannot fit in the {c.Remaining} remaining bytes");
        }

        // A sparse file can be large enough to "hold" any count while occupying a few KB on disk; the hard caps
        // keep memory bounded by the limits instead of by the declaration.
        if (tensorCount > (ulong)Math.Max(0, limits.MaxTensors))
        {
            throw c.Error(countOffset, $"tensor count {tensorCount} exceeds the limit of {limits.MaxTensors} tensors");
        }

        if (kvCount > (ulong)Math.Max(0, limits.MaxMetadataEntries))
        {
            throw c.Error(countOffset + r.Size, $"metadata count {kvCount} exceeds the limit of {limits.MaxMetadataEntries} entries");
        }

        var metadata = ImmutableSortedDictionary.CreateBuilder<string, object>(StringComparer.Ordinal);
        var records = new List<GgufKeyValueRecord>((int)kvCount);
        for (ulong i = 0; i < kvCount; i++)
        {
            long keyOffset = c.Position;
            string key = ReadString(r, "metadata key");
            var type = (GgufValueType)c.ReadUInt32($"type of '{key}'");
            object value = ReadValue(r, type, key, 0);
            if (!metadata.TryAdd(key, value))
            {
                throw c.Error(keyOffset, $"duplicate metadata key '{key}'");
            }

            records.Add(new GgufKeyValueRecord(key, type, keyOffset, c.Position));
        }

        uint alignment = 32;
        if (metadata.TryGetValue("general.alignment", out object? a))
        {
            if (a is not uint al || al == 0 || (al & (al - 1)) != 0)
            {
                throw c.Error($"general.alignment must be a power-of-two uint32, not {a}");
            }

            alignment = al;
        }

        long infosStart = c.Position;
        var infos = new List<(string Name, ImmutableArray<long> Dims, uint Type, ulong Offset, long At)>();
        for (ulong i = 0; i < tensorCount; i++)
        {
            long at = c.Position;
            string name = ReadString(r, "tensor name");
            uint nDims = c.ReadUInt32($"dimension count of '{name}'");
            if (nDims > MaxDims)
            {
                throw c.Error(c.Position - 4, $"tensor '{name}' has {nDims} dimensions (at most {MaxDims})");
            }

            var dims = ImmutableArray.CreateBuilder<long>((int)nDims);
            for (int d = 0; d < nDims; d++)
            {
                ulong size = r.ReadCount($"dimension of '{name}'");
                if (size > long.MaxValue)
                {
                    throw c.Error(c.Position - r.Size, $"tensor '{name}' has an absurd dimension {size}");
                }

                dims.Add((long)size);
            }

            uint type = c.ReadUInt32($"type of '{name}'");
            ulong offset = c.ReadUInt64($"offset of '{name}'");
            infos.Add((name, dims.ToImmutable(), type, offset, at));
        }

        long infosEnd = c.Position;
        long dataStart = (c.Position + alignment - 1) / alignment * alignment;
        if (tensorCount > 0 && dataStart > c.Length)
        {
            throw c.Error(c.Position, $"the tensor data section would start at {dataStart}, past the end of the file ({c.Length})");
        }

        var tensors = ImmutableArray.CreateBuilder<TensorEntry>(infos.Count);
        foreach (var (name, dims, type, offset, at) in infos)
        {
            long elements;
            try
            {
                elements = TensorEntry.CountElements(dims);
            }
            catch (OverflowException)
            {
                throw c.Error(at, $"tensor '{name}' has a shape whose element count overflows");
            }

            long bytes = GgmlTypes.ByteSize(type, elements);
            long dataLength = c.Length - dataStart;
            if (offset > (ulong)dataLength || (bytes > 0 && (long)offset + bytes > dataLength))
            {
                throw c.Error(at, $"tensor '{name}' data at relative offset {offset} ({bytes} bytes) ends past the end of the file");
            }

            tensors.Add(new TensorEntry(name, GgmlTypes.Name(type), dims, dataStart + (long)offset, bytes));
        }

        var header = new GgufHeader(version, metadata.ToImmutable(), tensors.ToImmutable(), alignment, dataStart, c.Length);
        return new GgufLayout(header, records, infosStart, infosEnd);
    }

    /// <summary>Consistency checks: known tensor types, aligned offsets, no overlaps, unique names.</summary>
    public static IReadOnlyList<string> Check(GgufHeader header)
    {
        var problems = new List<string>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (TensorEntry t in header.Tensors)
        {
            if (!names.Add(t.Name))
            {
                problems.Add($"tensor '{t.Name}' appears twice");
            }

            if (t.ByteLength < 0)
            {
                problems.Add($"tensor '{t.Name}': unknown type {t.DataType} or shape not whole blocks; size cannot be checked");
            }

            if ((t.DataOffset - header.DataStart) % header.Alignment != 0)
            {
                problems.Add($"tensor '{t.Name}' at offset {t.DataOffset} is not aligned to {header.Alignment}");
            }
        }

        long end = header.DataStart;
        foreach (TensorEntry t in header.Tensors.Where(t => t.ByteLength > 0).OrderBy(t => t.DataOffset))
        {
            if (t.DataOffset < end)
            {
                problems.Add($"tensor '{t.Name}' at offset {t.DataOffset} overlaps the previous tensor (ending at {end})");
            }

            end = Math.Max(end, t.DataOffset + t.ByteLength);
        }

        return problems;
    }

    private static string ReadString(Widths r, string what)
    {
        BinaryCursor c = r.Cursor;
        long at = c.Position;
        ulong length = r.ReadCount(what + " length");
        if (length > (ulong)c.Remaining)
        {
            throw c.Error(at, $"{what} length {length} exceeds the {c.Remaining} remaining bytes");
        }

        return c.ReadUtf8(length, MaxStringLength, what);
    }

    private static void SkipString(Widths r, string what)
    {
        BinaryCursor c = r.Cursor;
        long at = c.Position;
        ulong length = r.ReadCount(what + " length");
        if (length > (ulong)c.Remaining)
        {
            throw c.Error(at, $"{what} length {length} exceeds the {c.Remaining} remaining bytes");
        }

        c.Skip((long)length, what);
    }

    private static int FixedSize(GgufValueType type) => type switch
    {
        GgufValueType.UInt8 or GgufValueType.Int8 or GgufValueType.Bool => 1,
        GgufValueType.UInt16 or GgufValueType.Int16 => 2,
        GgufValueType.UInt32 or GgufValueType.Int32 or GgufValueType.Float32 => 4,
        GgufValueType.UInt64 or GgufValueType.Int64 or GgufValueType.Float64 => 8,
        _ => 0,
    };

    private static object ReadValue(Widths r, GgufValueType type, string key, int depth)
    {
        BinaryCursor c = r.Cursor;
        long at = c.Position;
        switch (type)
        {
            case GgufValueType.UInt8: return c.ReadByte(key);
            case GgufValueType.Int8: return (sbyte)c.ReadByte(key);
            case GgufValueType.UInt16: return (ushort)(c.ReadByte(key) | (c.ReadByte(key) << 8));
            case GgufValueType.Int16: return (short)(c.ReadByte(key) | (c.ReadByte(key) << 8));
            case GgufValueType.UInt32: return c.ReadUInt32(key);
            case GgufValueType.Int32: return (int)c.ReadUInt32(key);
            case GgufValueType.Float32: return BitConverter.UInt32BitsToSingle(c.ReadUInt32(key));
            case GgufValueType.UInt64: return c.ReadUInt64(key);
            case GgufValueType.Int64: return (long)c.ReadUInt64(key);
            case GgufValueType.Float64: return BitConverter.UInt64BitsToDouble(c.ReadUInt64(key));
            case GgufValueType.Bool:
                byte b = c.ReadByte(key);
                return b switch
                {
                    0 => false,
                    1 => true,
                    _ => throw c.Error(at, $"'{key}' is a bool with value {b}"),
                };
            case GgufValueType.String: return ReadString(r, $"value of '{key}'");
            case GgufValueType.Array:
                if (depth >= MaxArrayNesting)
                {
                    throw c.Error(at, $"'{key}' nests arrays deeper than {MaxArrayNesting}");
                }

                var elementType = (GgufValueType)c.ReadUInt32($"element type of '{key}'");
                ulong count = r.ReadCount($"element count of '{key}'");
                int minSize = elementType switch
                {
                    GgufValueType.String => r.Size,
                    GgufValueType.Array => 4 + r.Size,
                    _ => FixedSize(elementType),
                };
                if (minSize == 0)
                {
                    throw c.Error(at, $"'{key}' is an array of unknown element type {(uint)elementType}");
                }

                if (count > (ulong)c.Remaining / (ulong)minSize)
                {
                    throw c.Error(at, $"'{key}' declares {count} elements, more than the {c.Remaining} remaining bytes can hold");
                }

                if (count > MaxArrayValuesKept)
                {
                    SkipArray(r, elementType, count, key, depth);
                    return new GgufArray(elementType, count, ImmutableArray<object>.Empty, Truncated: true);
                }

                var values = ImmutableArray.CreateBuilder<object>((int)count);
                for (ulong i = 0; i < count; i++)
                {
                    values.Add(ReadValue(r, elementType, key, depth + 1));
                }

                return new GgufArray(elementType, count, values.ToImmutable(), Truncated: false);
            default:
                throw c.Error(at - 4, $"'{key}' has unknown value type {(uint)type}");
        }
    }

    private static void SkipArray(Widths r, GgufValueType elementType, ulong count, string key, int depth)
    {
        BinaryCursor c = r.Cursor;
        int size = FixedSize(elementType);
        if (size > 0)
        {
            c.Skip((long)count * size, $"elements of '{key}'");
            return;
        }

        for (ulong i = 0; i < count; i++)
        {
            if (elementType == GgufValueType.String)
            {
                SkipString(r, $"element of '{key}'");
            }
            else
            {
                _ = ReadValue(r, elementType, key, depth + 1);
            }
        }
    }

    /// <summary>The cursor plus the width of the version's counts and lengths (4 bytes in v1, 8 in v2/v3).</summary>
    private readonly record struct Widths(BinaryCursor Cursor, int Size)
    {
        public ulong ReadCount(string what) => Size == 4 ? Cursor.ReadUInt32(what) : Cursor.ReadUInt64(what);
    }
}
