using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ModelManifest.Checkpoints;

/// <summary>
/// Reads and rewrites the metadata a checkpoint carries, leaving tensor bytes as they are: a PyTorch zip's embedded
/// JSON (<c>&lt;archive&gt;/anemoi-metadata/anemoi.json</c>, created when missing) and the safetensors
/// <c>__metadata__</c> string map. The caller writes the result to a temporary file and renames it.
/// </summary>
internal static class CheckpointMetadataEditor
{
    private const string AnemoiEntry = "anemoi-metadata/anemoi.json";

    /// <summary>The editable metadata of <paramref name="path"/> as a JSON object (empty when there is none yet).</summary>
    public static JsonObject Read(string path, CheckpointFormat format) => format switch
    {
        CheckpointFormat.Torch => TorchZipReader.ReadFile(path) switch
        {
            { Legacy: true } => throw Unsupported(format, "the legacy (non-zip) torch format has no place for metadata"),
            { MetadataJson: { } json } => JsonNode.Parse(json) as JsonObject ?? throw Unsupported(format, "the embedded metadata is not a JSON object"),
            _ => [],
        },
        CheckpointFormat.Safetensors => StringMap(SafetensorsReader.ReadFile(path).Metadata),
        _ => throw Unsupported(format, "update-metadata edits PyTorch zip (anemoi JSON), safetensors (__metadata__) and GGUF files"),
    };

    /// <summary>Writes <paramref name="path"/> with <paramref name="metadata"/> in place of its metadata to <paramref name="output"/>.</summary>
    public static void Write(string path, CheckpointFormat format, JsonObject metadata, Stream output)
    {
        switch (format)
        {
            case CheckpointFormat.Torch:
                WriteTorch(path, metadata, output);
                break;
            case CheckpointFormat.Safetensors:
                WriteSafetensors(path, metadata, output);
                break;
            default:
                throw Unsupported(format, "update-metadata edits PyTorch zip and safetensors files");
        }
    }

    private static CheckpointFormatException Unsupported(CheckpointFormat format, string reason) => new(format, 0, reason);

    private static JsonObject StringMap(IEnumerable<KeyValuePair<string, string>> map)
    {
        var o = new JsonObject();
        foreach (var (k, v) in map)
        {
            o[k] = v;
        }

        return o;
    }

    /// <summary>Copies every entry in order, content unchanged, stored as before; only the metadata entry is new.</summary>
    private static void WriteTorch(string path, JsonObject metadata, Stream output)
    {
        TorchCheckpointInfo info = TorchZipReader.ReadFile(path);
        string entryName = info.MetadataEntry ?? (info.ArchiveName.Length == 0 ? AnemoiEntry : $"{info.ArchiveName}/{AnemoiEntry}");
        byte[] json = Encoding.UTF8.GetBytes(metadata.ToJsonString());
        using FileStream input = CheckpointFile.OpenRead(path);
        using var source = new ZipArchive(input, ZipArchiveMode.Read);
        using var target = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true);
        bool written = false;
        foreach (ZipArchiveEntry e in source.Entries)
        {
            CompressionLevel level = e.CompressedLength == e.Length ? CompressionLevel.NoCompression : CompressionLevel.Optimal;
            ZipArchiveEntry copy = target.CreateEntry(e.FullName, level);
            copy.LastWriteTime = e.LastWriteTime;
            using Stream to = copy.Open();
            if (e.FullName == entryName)
            {
                to.Write(json);
                written = true;
            }
            else
            {
                using Stream from = e.Open();
                from.CopyTo(to);
            }
        }

        if (!written)
        {
            ZipArchiveEntry added = target.CreateEntry(entryName, CompressionLevel.NoCompression);
            using Stream to = added.Open();
            to.Write(json);
        }
    }

    /// <summary>A new header (tensor entries as they were, the new <c>__metadata__</c>, padded to 8 bytes), then the data section unchanged.</summary>
    private static void WriteSafetensors(string path, JsonObject metadata, Stream output)
    {
        SafetensorsHeader header = SafetensorsReader.ReadFile(path);
        using FileStream input = CheckpointFile.OpenRead(path);
        byte[] old = new byte[header.HeaderLength];
        input.Position = 8;
        input.ReadExactly(old);
        JsonObject root = JsonNode.Parse(old)!.AsObject();
        var map = new JsonObject();
        foreach (var (key, value) in metadata)
        {
            // The format allows only string values.
            map[key] = value is JsonValue v && v.TryGetValue(out string? s) ? s : value?.ToJsonString() ?? "null";
        }

        var tensors = root.Where(p => p.Key != "__metadata__").ToList();
        root.Clear();
        var rewritten = new JsonObject();
        if (map.Count > 0)
        {
            rewritten["__metadata__"] = map;
        }

        foreach (var (key, value) in tensors)
        {
            rewritten[key] = value;
        }

        byte[] json = Encoding.UTF8.GetBytes(rewritten.ToJsonString(new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
        int padded = (json.Length + 7) / 8 * 8;
        Span<byte> prefix = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(prefix, (ulong)padded);
        output.Write(prefix);
        output.Write(json);
        for (int i = json.Length; i < padded; i++)
        {
            output.WriteByte((byte)' ');
        }

        input.Position = header.DataStart;
        input.CopyTo(output);
    }
}
