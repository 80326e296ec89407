using System.Collections.Immutable;
using System.Globalization;
using System.IO.Compression;
using System.Text.Json;
using ModelManifest.Checkpoints.Pickle;

namespace ModelManifest.Checkpoints;

/// <summary>
/// Reads a PyTorch zip checkpoint's entry list (from the zip central directory, without reading tensor data) and
/// an embedded metadata JSON such as <c>*/anemoi-metadata/anemoi.json</c> or <c>ai-models.json</c>.
/// </summary>
public static class TorchZipReader
{
    /// <summary>Largest embedded metadata JSON that is read.</summary>
    public const long MaxMetadataLength = 64 << 20;

    private const int MaxEntries = 1_000_000;

    /// <summary>Reads the checkpoint at <paramref name="path"/>.</summary>
    public static TorchCheckpointInfo ReadFile(string path)
    {
        return CheckpointFile.Read(path, Read);
    }

    /// <summary>Whether the zip's entries look like <c>torch.save</c> output (a <c>data.pkl</c> entry).</summary>
    public static bool LooksLikeTorch(Stream stream)
    {
        try
        {
            using var zip = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
            return zip.Entries.Take(MaxEntries).Any(e => e.FullName == "data.pkl" || e.FullName.EndsWith("/data.pkl", StringComparison.Ordinal));
        }
        catch (Exception e) when (e is InvalidDataException or IOException or ArgumentException)
        {
            return false;
        }
    }

    /// <summary>Largest <c>data.pkl</c> that is interpreted (a pickle of 100,000 tensors is about 10 MB).</summary>
    public const int MaxPickleLength = 256 << 20;

    /// <summary>Reads a PyTorch checkpoint (zip, or the legacy pickle-sequence format) from a seekable stream.</summary>
    public static TorchCheckpointInfo Read(Stream stream)
    {
        if (TorchLegacyReader.IsLegacy(stream))
        {
            return TorchLegacyReader.Read(stream);
        }

        try
        {
            using var zip = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
            var entries = ImmutableArray.CreateBuilder<TorchZipEntry>();
            ZipArchiveEntry? metadataEntry = null;
            foreach (ZipArchiveEntry e in zip.Entries)
            {
                if (entries.Count >= MaxEntries)
                {
                    throw new CheckpointFormatException(CheckpointFormat.Torch, 0, $"more than {MaxEntries} zip entries");
                }

                entries.Add(new TorchZipEntry(e.FullName, e.Length, e.CompressedLength));
                if (metadataEntry is null && IsMetadataEntry(e.FullName))
                {
                    metadataEntry = e;
                }
            }

            string? pkl = entries.Select(e => e.Name).FirstOrDefault(n => n == "data.pkl" || n.EndsWith("/data.pkl", StringComparison.Ordinal));
            if (pkl is null)
            {
                throw new CheckpointFormatException(CheckpointFormat.Torch, 0, "zip archive has no data.pkl entry: not a torch.save checkpoint");
            }

            string archiveName = pkl.Length > "data.pkl".Length ? pkl[..^"/data.pkl".Length] : "";
            string? json = null;
            TorchMetadata mapped = new();
            if (metadataEntry is not null)
            {
                json = ReadEntryText(metadataEntry);
                mapped = MapMetadata(metadataEntry.FullName, json);
            }

            var lengths = entries.ToDictionary(e => e.Name, e => e.Length, StringComparer.Ordinal);
            string prefix = archiveName.Length == 0 ? "data/" : archiveName + "/data/";
            byte[] pickle = ReadEntry(zip.GetEntry(pkl)!, MaxPickleLength, "pickle");
            TorchPickleAnalysis analysis = TorchPickleAnalysis.Analyze(pickle, pkl, key => lengths.TryGetValue(prefix + key, out long n) ? n : null);
            return new TorchCheckpointInfo(archiveName, entries.ToImmutable(), metadataEntry?.FullName, json, mapped).With(analysis);
        }
        catch (InvalidDataException e)
        {
            throw new CheckpointFormatException(CheckpointFormat.Torch, 0, "corrupt zip archive: " + e.Message, e);
        }
    }

    private static bool IsMetadataEntry(string name) =>
        name.EndsWith("anemoi-metadata/anemoi.json", StringComparison.Ordinal)
        || name == "ai-models.json" || name.EndsWith("/ai-models.json", StringComparison.Ordinal);

    internal static TorchCheckpointInfo With(this TorchCheckpointInfo info, TorchPickleAnalysis analysis) => info with
    {
        Tensors = analysis.Tensors,
        UnsafeGlobals = analysis.UnsafeGlobals,
        Problems = analysis.Problems,
        TopLevelKeys = analysis.TopLevelKeys,
    };

    private static string ReadEntryText(ZipArchiveEntry entry)
    {
        byte[] buffer = ReadEntry(entry, MaxMetadataLength, "metadata");
        try
        {
            return BinaryCursor.s_strictUtf8.GetString(buffer);
        }
        catch (System.Text.DecoderFallbackException e)
        {
            throw new CheckpointFormatException(CheckpointFormat.Torch, 0, $"metadata entry '{entry.FullName}' is not UTF-8", e);
        }
    }

    private static byte[] ReadEntry(ZipArchiveEntry entry, long limit, string what)
    {
        if (entry.Length > limit)
        {
            throw new CheckpointFormatException(CheckpointFormat.Torch, 0, $"{what} entry '{entry.FullName}' is {entry.Length} bytes (limit {limit})");
        }

        using Stream s = entry.Open();
        var buffer = new byte[(int)entry.Length];
        int total = 0;
        while (total < buffer.Length)
        {
            int n = s.Read(buffer, total, buffer.Length - total);
            if (n == 0)
            {
                throw new CheckpointFormatException(CheckpointFormat.Torch, 0, $"{what} entry '{entry.FullName}' is truncated");
            }

            total += n;
        }

        return buffer;
    }

    /// <summary>Maps anemoi / ai-models metadata JSON to <see cref="TorchMetadata"/>; unknown layouts map to nothing.</summary>
    public static TorchMetadata MapMetadata(string entryName, string json)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 256, AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            throw new CheckpointFormatException(CheckpointFormat.Torch, 0, $"metadata entry '{entryName}' is not valid JSON: {SafetensorsReader.FirstLine(e.Message)}", e);
        }

        using (doc)
        {
            JsonElement root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return new TorchMetadata();
            }

            var moduleVersions = ImmutableSortedDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
            if (Path(root, "provenance_training", "module_versions") is { ValueKind: JsonValueKind.Object } mv)
            {
                foreach (JsonProperty p in mv.EnumerateObject())
                {
                    if (p.Value.ValueKind == JsonValueKind.String)
                    {
                        moduleVersions[p.Name] = p.Value.GetString()!;
                    }
                }
            }

            JsonElement? variables = Path(root, "dataset", "variables") ?? Path(root, "variables");
            string? timeStep = Text(Path(root, "config", "data", "timestep") ?? Path(root, "config", "data", "frequency")
                ?? Path(root, "dataset", "frequency") ?? Path(root, "timestep") ?? Path(root, "frequency"));
            return new TorchMetadata
            {
                Variables = variables is { ValueKind: JsonValueKind.Array } v
                    ? v.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.String).Select(x => x.GetString()!).ToImmutableArray()
                    : ImmutableArray<string>.Empty,
                TimeStep = timeStep is null ? null : ToIsoDuration(timeStep),
                InputTimeSteps = Integer(Path(root, "config", "training", "multistep_input") ?? Path(root, "multistep_input")),
                Grid = Text(Path(root, "dataset", "data_request", "grid") ?? Path(root, "dataset", "grid") ?? Path(root, "grid")),
                GridPoints = Path(root, "dataset", "shape") is { ValueKind: JsonValueKind.Array } shape && shape.GetArrayLength() > 0
                    ? Integer(shape[shape.GetArrayLength() - 1]) : null,
                ModuleVersions = moduleVersions.ToImmutable(),
                PythonVersion = Text(Path(root, "provenance_training", "python")),
                RunId = Text(Path(root, "run_id") ?? Path(root, "uuid")),
                CreatedAt = Text(Path(root, "timestamp") ?? Path(root, "provenance_training", "time")),
                Framework = entryName.EndsWith("ai-models.json", StringComparison.Ordinal) ? "ai-models" : "anemoi",
            };
        }
    }

    private static JsonElement? Path(JsonElement e, params string[] names)
    {
        foreach (string name in names)
        {
            if (e.ValueKind != JsonValueKind.Object || !e.TryGetProperty(name, out e))
            {
                return null;
            }
        }

        return e;
    }

    private static string? Text(JsonElement? e) => e switch
    {
        { ValueKind: JsonValueKind.String } s => s.GetString(),
        { ValueKind: JsonValueKind.Number } n => n.GetRawText(),
        _ => null,
    };

    private static long? Integer(JsonElement? e) =>
        e is { ValueKind: JsonValueKind.Number } n && n.TryGetInt64(out long v) ? v : null;

    /// <summary>Turns <c>6h</c>, <c>30m</c>, <c>1d</c>, <c>6</c> (hours) or an ISO 8601 duration into ISO 8601 (<c>PT6H</c>).</summary>
    public static string ToIsoDuration(string text)
    {
        string t = text.Trim();
        if (t.StartsWith('P'))
        {
            return t;
        }

        if (long.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out long hours))
        {
            return $"PT{hours}H";
        }

        if (t.Length > 1 && long.TryParse(t[..^1], NumberStyles.None, CultureInfo.InvariantCulture, out long n))
        {
            switch (char.ToLowerInvariant(t[^1]))
            {
                case 'h': return $"PT{n}H";
                case 'm': return $"PT{n}M";
                case 's': return $"PT{n}S";
                case 'd': return $"P{n}D";
            }
        }

        return t;
    }
}
