using System.Globalization;
using System.Text;

namespace ModelManifest.Checkpoints;

/// <summary>
/// Rewrites a GGUF file's key/value metadata: the header and key/value section are written anew (unchanged records
/// copied byte for byte, so truncated vocabularies survive), the tensor infos and the tensor data are copied as they
/// are, and the padding before the data section is recomputed so it stays aligned to <c>general.alignment</c>
/// (tensor offsets are relative to that section, so they stay valid).
/// </summary>
internal static class GgufMetadataEditor
{
    private const string AlignmentKey = "general.alignment";

    /// <summary>
    /// Writes <paramref name="path"/> with <paramref name="set"/> applied (an existing key keeps its type, a new key
    /// becomes a bool, int32/int64, float32 or string by its text) and <paramref name="remove"/> removed, to
    /// <paramref name="output"/>. A value that does not fit the key's type, an array key or an edit of
    /// <c>general.alignment</c> is a <see cref="FormatException"/> thrown before any byte is written.
    /// </summary>
    public static void Write(string path, IReadOnlyList<KeyValuePair<string, string>> set, IReadOnlyCollection<string> remove, Stream output)
    {
        using FileStream input = CheckpointFile.OpenRead(path);
        GgufLayout layout;
        try
        {
            layout = GgufReader.ReadLayout(input, CheckpointLimits.Default);
        }
        catch (EndOfStreamException e)
        {
            throw new CheckpointFormatException(CheckpointFormat.Gguf, input.Position, e.Message);
        }

        GgufHeader header = layout.Header;
        var existing = layout.Records.ToDictionary(r => r.Key, StringComparer.Ordinal);
        var changes = new Dictionary<string, (GgufValueType Type, object Value)>(StringComparer.Ordinal);
        var added = new List<string>();
        foreach (var (key, text) in set)
        {
            RefuseAlignment(key);
            GgufValueType type = existing.TryGetValue(key, out GgufKeyValueRecord? record) ? record.Type : Infer(text);
            if (!existing.ContainsKey(key) && !changes.ContainsKey(key))
            {
                added.Add(key);
            }

            changes[key] = (type, Convert(key, type, text));
        }

        foreach (string key in remove)
        {
            RefuseAlignment(key);
            if (!existing.ContainsKey(key) && !changes.ContainsKey(key))
            {
                throw new FormatException($"--remove '{key}': no such key in the GGUF metadata");
            }
        }

        var removed = remove.ToHashSet(StringComparer.Ordinal);
        int countWidth = header.Version == 1 ? 4 : 8;
        var kept = layout.Records.Where(r => !removed.Contains(r.Key)).ToList();
        var appended = added.Where(k => !removed.Contains(k)).ToList();

        var writer = new CountingWriter(output);
        CopyRange(input, 0, 8 + countWidth, writer); // magic, version, tensor count
        writer.Encode(w => GgufWriter.WriteCount(w, header.Version, (ulong)(kept.Count + appended.Count)));
        foreach (GgufKeyValueRecord r in kept)
        {
            if (changes.TryGetValue(r.Key, out var change))
            {
                writer.Encode(w => WriteRecord(w, header.Version, r.Key, change.Type, change.Value));
            }
            else
            {
                CopyRange(input, r.Start, r.End - r.Start, writer);
            }
        }

        foreach (string key in appended)
        {
            var (type, value) = changes[key];
            writer.Encode(w => WriteRecord(w, header.Version, key, type, value));
        }

        CopyRange(input, layout.InfosStart, layout.InfosEnd - layout.InfosStart, writer);
        long padding = (header.Alignment - writer.Written % header.Alignment) % header.Alignment;
        writer.Write(new byte[padding]);
        input.Position = Math.Min(header.DataStart, header.FileLength);
        input.CopyTo(writer.Output, 1 << 20);
    }

    private static void RefuseAlignment(string key)
    {
        if (key == AlignmentKey)
        {
            throw new FormatException($"'{AlignmentKey}' cannot be edited: the tensor data is laid out for it");
        }
    }

    private static void WriteRecord(BinaryWriter w, uint version, string key, GgufValueType type, object value)
    {
        GgufWriter.WriteString(w, version, key);
        w.Write((uint)type);
        GgufWriter.WriteValue(w, version, type, value);
    }

    /// <summary>A new key's type from its text: true/false, an integer (int32 when it fits), a number, else a string.</summary>
    private static GgufValueType Infer(string text)
    {
        if (text is "true" or "false")
        {
            return GgufValueType.Bool;
        }

        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long l))
        {
            return l is >= int.MinValue and <= int.MaxValue ? GgufValueType.Int32 : GgufValueType.Int64;
        }

        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _) ? GgufValueType.Float32 : GgufValueType.String;
    }

    private static object Convert(string key, GgufValueType type, string text)
    {
        var inv = CultureInfo.InvariantCulture;
        const NumberStyles integer = NumberStyles.AllowLeadingSign;
        const NumberStyles real = NumberStyles.Float;
        object? value = type switch
        {
            GgufValueType.String => text,
            GgufValueType.Bool => text switch { "true" => true, "false" => false, _ => null },
            GgufValueType.UInt8 => byte.TryParse(text, integer, inv, out byte v) ? v : null,
            GgufValueType.Int8 => sbyte.TryParse(text, integer, inv, out sbyte v) ? v : null,
            GgufValueType.UInt16 => ushort.TryParse(text, integer, inv, out ushort v) ? v : null,
            GgufValueType.Int16 => short.TryParse(text, integer, inv, out short v) ? v : null,
            GgufValueType.UInt32 => uint.TryParse(text, integer, inv, out uint v) ? v : null,
            GgufValueType.Int32 => int.TryParse(text, integer, inv, out int v) ? v : null,
            GgufValueType.UInt64 => ulong.TryParse(text, integer, inv, out ulong v) ? v : null,
            GgufValueType.Int64 => long.TryParse(text, integer, inv, out long v) ? v : null,
            GgufValueType.Float32 => float.TryParse(text, real, inv, out float v) ? v : null,
            GgufValueType.Float64 => double.TryParse(text, real, inv, out double v) ? v : null,
            _ => throw new FormatException($"'{key}' is a GGUF {type}; update-metadata sets only scalar values"),
        };
        return value ?? throw new FormatException($"'{key}' is a GGUF {type}: '{text}' is not a valid {type} value");
    }

    private static void CopyRange(Stream input, long start, long count, CountingWriter output)
    {
        input.Position = start;
        byte[] buffer = new byte[(int)Math.Min(count, 1 << 20)];
        while (count > 0)
        {
            int n = input.Read(buffer, 0, (int)Math.Min(count, buffer.Length));
            if (n == 0)
            {
                throw new EndOfStreamException($"the GGUF file ended at {input.Position} while copying it");
            }

            output.Write(buffer.AsSpan(0, n));
            count -= n;
        }
    }

    /// <summary>The output stream plus how many bytes went into it (the stream need not be seekable).</summary>
    private sealed class CountingWriter(Stream output)
    {
        public Stream Output { get; } = output;

        public long Written { get; private set; }

        public void Write(ReadOnlySpan<byte> bytes)
        {
            Output.Write(bytes);
            Written += bytes.Length;
        }

        public void Encode(Action<BinaryWriter> encode)
        {
            using var ms = new MemoryStream();
            using (var w = new BinaryWriter(ms, Encoding.UTF8, leaveOpen: true))
            {
                encode(w);
            }

            Write(ms.GetBuffer().AsSpan(0, (int)ms.Length));
        }
    }
}
