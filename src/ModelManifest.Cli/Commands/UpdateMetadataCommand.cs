using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using ModelManifest.Checkpoints;
using ModelManifest.Cli.Extraction;
using ModelManifest.Cli.Output;

namespace ModelManifest.Cli.Commands;

/// <summary>
/// <c>update-metadata &lt;checkpoint&gt;</c>: edits the metadata embedded in a checkpoint (a PyTorch zip's anemoi JSON,
/// a safetensors <c>__metadata__</c> map, GGUF key/values) in place and atomically, tensor bytes untouched; prints the new sha256 and
/// with <c>--into</c> updates the size and sha256 of the manifest's assets that had the old sha256.
/// </summary>
internal static class UpdateMetadataCommand
{
    public static Command Create()
    {
        var checkpoint = new Argument<string>("checkpoint") { Description = "PyTorch zip (.pt/.ckpt), .safetensors or .gguf file to edit in place." };
        var set = new Option<string[]>("--set") { Description = "key.path=value (value parsed as JSON when it is JSON, else a string); repeatable.", AllowMultipleArgumentsPerToken = false };
        var remove = new Option<string[]>("--remove") { Description = "key.path to remove; repeatable." };
        var fromJson = new Option<string?>("--from-json") { Description = "JSON object file merged into the metadata (objects merged key by key)." };
        var into = new Option<string?>("--into") { Description = "Manifest whose assets with the old sha256 get the new size and sha256." };

        var command = new Command("update-metadata", "Edit the metadata embedded in a checkpoint (anemoi JSON in a PyTorch zip, safetensors __metadata__, GGUF key/values) atomically, tensor bytes untouched.")
        {
            checkpoint, set, remove, fromJson, into,
        };
        command.SetAction(parse => CommandHost.Run(parse, host =>
        {
            string path = CommandHost.RequireFile(parse.GetValue(checkpoint)!);
            string? manifest = parse.GetValue(into);
            if (manifest is not null && !File.Exists(manifest))
            {
                throw new CliException(Diagnostics.FileNotReadable, $"{manifest}: file not found");
            }

            CheckpointFormat format = CheckpointSniffer.DetectFile(path);
            Action<Stream> write = format == CheckpointFormat.Gguf
                ? GgufEdit(path, parse.GetValue(set) ?? [], parse.GetValue(remove) ?? [], parse.GetValue(fromJson))
                : JsonEdit(path, format, parse.GetValue(set) ?? [], parse.GetValue(remove) ?? [], parse.GetValue(fromJson));
            string oldSha = manifest is null ? "" : Sha256Hasher.HashFile(path);
            try
            {
                WriteAtomically(path, write);
            }
            catch (FormatException e)
            {
                throw new CliException(Diagnostics.InvalidOptions, $"{path}: {e.Message}");
            }

            string newSha = Sha256Hasher.HashFile(path);
            long size = new FileInfo(path).Length;
            host.Output.WriteLine($"{newSha}  {path}");
            if (manifest is not null)
            {
                UpdateManifest(host, manifest, oldSha, newSha, size);
            }

            return ExitCodes.Ok;
        }));
        return command;
    }

    /// <summary>GGUF values are typed scalars under flat (dotted) keys: the editor converts each text to the key's type.</summary>
    private static Action<Stream> GgufEdit(string path, string[] sets, string[] removes, string? fromJson)
    {
        var assignments = new List<KeyValuePair<string, string>>();
        if (fromJson is not null)
        {
            foreach (var (key, value) in ReadJsonObject(fromJson))
            {
                if (value is not JsonValue v)
                {
                    throw new CliException(Diagnostics.InvalidOptions, $"{fromJson}: '{key}' must be a string, number or bool for a GGUF file");
                }

                assignments.Add(new(key, v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : v.ToJsonString()));
            }
        }

        foreach (string assignment in sets)
        {
            var (key, value) = SplitAssignment(assignment);
            assignments.Add(new(key, value));
        }

        return output => GgufMetadataEditor.Write(path, assignments, removes, output);
    }

    private static (string Key, string Value) SplitAssignment(string assignment)
    {
        int eq = assignment.IndexOf('=');
        return eq <= 0
            ? throw new CliException(Diagnostics.InvalidOptions, $"--set '{assignment}': expected key.path=value")
            : (assignment[..eq], assignment[(eq + 1)..]);
    }

    private static Action<Stream> JsonEdit(string path, CheckpointFormat format, string[] sets, string[] removes, string? fromJson)
    {
        // In a safetensors map keys are flat and often dotted ("modelspec.title"); in anemoi JSON a dot nests.
        bool nested = format == CheckpointFormat.Torch;
        JsonObject metadata = CheckpointMetadataEditor.Read(path, format);
        if (fromJson is not null)
        {
            Merge(metadata, ReadJsonObject(fromJson));
        }

        foreach (string assignment in sets)
        {
            var (key, value) = SplitAssignment(assignment);
            Set(metadata, Keys(key, nested), ParseValue(value));
        }

        foreach (string key in removes)
        {
            Remove(metadata, Keys(key, nested));
        }

        return output => CheckpointMetadataEditor.Write(path, format, metadata, output);
    }

    private static string[] Keys(string path, bool nested)
    {
        string[] keys = nested ? path.Split('.') : [path];
        return keys.Any(k => k.Length == 0) ? throw new CliException(Diagnostics.InvalidOptions, $"'{path}' has an empty key") : keys;
    }

    private static JsonNode? ParseValue(string text)
    {
        try
        {
            return JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            return JsonValue.Create(text);
        }
    }

    private static JsonObject ReadJsonObject(string file)
    {
        try
        {
            return JsonNode.Parse(File.ReadAllBytes(file)) as JsonObject
                ?? throw new CliException(Diagnostics.InvalidOptions, $"{file}: --from-json needs a JSON object");
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            throw new CliException(Diagnostics.FileNotReadable, $"{file}: {CommandHost.FirstLine(e.Message)}");
        }
    }

    private static void Merge(JsonObject target, JsonObject source)
    {
        foreach (var (key, value) in source.ToList())
        {
            if (value is JsonObject o && target[key] is JsonObject existing)
            {
                Merge(existing, o);
            }
            else
            {
                target[key] = value?.DeepClone();
            }
        }
    }

    private static void Set(JsonObject root, string[] keys, JsonNode? value)
    {
        JsonObject at = root;
        foreach (string key in keys[..^1])
        {
            if (at[key] is not JsonObject next)
            {
                next = [];
                at[key] = next;
            }

            at = next;
        }

        at[keys[^1]] = value;
    }

    private static void Remove(JsonObject root, string[] keys)
    {
        JsonObject? at = root;
        foreach (string key in keys[..^1])
        {
            at = at?[key] as JsonObject;
        }

        if (at is null || !at.Remove(keys[^1]))
        {
            throw new CliException(Diagnostics.InvalidOptions, $"--remove '{string.Join('.', keys)}': no such key in the metadata");
        }
    }

    /// <summary>The checkpoint may be gigabytes: streamed into a temporary beside it, flushed, renamed over it.</summary>
    private static void WriteAtomically(string path, Action<Stream> write) =>
        ModelManifest.IO.AtomicFile.Write(path, write, durable: true);

    private static void UpdateManifest(CommandHost host, string manifest, string oldSha, string newSha, long size)
    {
        byte[] text = File.ReadAllBytes(manifest);
        try
        {
            IReadOnlyList<(string Id, string? Tag)> assets = ManifestEditor.AssetsWithSha256(text, oldSha);
            if (assets.Count == 0)
            {
                throw new CliException(Diagnostics.AssetNotInManifest, $"{manifest}: no asset has the checkpoint's previous sha256 {oldSha}; the checkpoint was updated, the manifest not", ExitCodes.Findings);
            }

            foreach (var (id, tag) in assets)
            {
                var asset = new JsonObject { ["id"] = id };
                if (tag is not null)
                {
                    asset["tag"] = tag;
                }

                asset["size"] = size;
                asset["sha256"] = newSha;
                text = ManifestEditor.Upsert(text, null, asset);
                host.Error.WriteLine($"updated asset {id}{(tag is null ? "" : ":" + tag)} in {manifest}");
            }
        }
        catch (FormatException e)
        {
            throw new CliException(Diagnostics.ManifestUnreadable, $"{manifest}: {e.Message}");
        }

        ModelManifest.IO.AtomicFile.WriteAllBytes(manifest, text, durable: true);
    }
}
