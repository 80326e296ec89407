using System.CommandLine;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ModelManifest.Assets;
using ModelManifest.Cli.Extraction;
using ModelManifest.Cli.Output;

namespace ModelManifest.Cli.Commands;

/// <summary>
/// <c>import hf://namespace/repo[@revision] --into &lt;manifest&gt;</c>: writes a model entry and one asset entry per file
/// of a Hugging Face repository, from the hub's own metadata (<c>GET /api/models/{ns}/{repo}/revision/{rev}?blobs=true</c>:
/// each file's size and, for LFS files, sha256) — no byte of an LFS file is downloaded. Files without an LFS sha256 (small
/// files kept in git, such as config.json) are downloaded and hashed. The entries pin the commit the revision resolved
/// to: the model's provenance names it and each asset's URL hint is its <c>resolve/{commit}/{path}</c> URL.
/// </summary>
internal static partial class ImportCommand
{
    /// <summary>Files every repository has that are no part of a model.</summary>
    private static readonly string[] s_skippedByDefault = [".gitattributes"];

    public static Command Create()
    {
        var location = new Argument<string>("repository") { Description = "hf://namespace/repo or hf://namespace/repo@revision (branch, tag or commit; default main)." };
        var into = new Option<string>("--into") { Description = "Manifest file to add the entries to or update in place (created if missing); written atomically.", Required = true };
        var id = new Option<string?>("--id") { Description = "Model id (default: the repository name)." };
        var version = new Option<string>("--version") { Description = "Model version (semver).", DefaultValueFactory = _ => "1.0.0" };
        var include = new Option<string[]>("--include") { Description = "Only files whose repository path matches one of these patterns (* and ?; repeatable). Default: every file but .gitattributes.", AllowMultipleArgumentsPerToken = true };
        var endpoint = new Option<string?>("--endpoint") { Description = "The hub's base URL (default: HF_ENDPOINT, else https://huggingface.co)." };
        var command = new Command("import", "Write manifest entries for the files of a Hugging Face repository from the hub's metadata (sizes and sha256), without downloading large files.")
        {
            location, into, id, version, include, endpoint,
        };
        command.SetAction(parse => CommandHost.Run(parse, host => Run(host, parse.GetValue(location)!, parse.GetValue(into)!, parse.GetValue(id),
            parse.GetValue(version)!, parse.GetValue(include) ?? [], parse.GetValue(endpoint))));
        return command;
    }

    private static int Run(CommandHost host, string text, string manifest, string? modelId, string version, string[] patterns, string? endpoint)
    {
        HuggingFaceRepository repository;
        try
        {
            var settings = endpoint is null ? null : new Dictionary<string, string> { [HuggingFaceSourceProvider.EndpointKey] = endpoint };
            repository = HuggingFaceRepository.Parse(new AssetSourceLocation(text.Trim(), "hf", settings, Directory.GetCurrentDirectory()), endpoint);
        }
        catch (AssetException e)
        {
            throw new CliException(e.Code, e.Reason);
        }

        if (AssetManagerOptions.IsOfflineByEnvironment())
        {
            throw new CliException(AssetDiagnosticIds.OfflineNotAvailable, $"{repository.Printable}: import asks the hub, and offline mode is on ({AssetManagerOptions.OfflineEnvironmentVariable} or {HuggingFaceEnvironment.OfflineVariable}); nothing was written", ExitCodes.Findings);
        }

        var identity = new EntryIdentity(modelId ?? Identifier(repository.Name), version, "unused", null);
        ExtractCommand.ValidateIdentity(identity);
        using var hub = new HuggingFaceHub(repository);
        try
        {
            var (commit, files) = ReadFiles(hub, Matcher(patterns));
            if (files.Count == 0)
            {
                throw new CliException(Diagnostics.InvalidOptions, $"{repository.Printable}: no file matches; nothing was written", ExitCodes.Findings);
            }

            int hashed = 0;
            var assets = new List<JsonObject>();
            var references = new JsonArray();
            var taken = new HashSet<string>(StringComparer.Ordinal);
            foreach (var file in files)
            {
                string sha256 = file.Sha256 ?? Hash(hub, commit, file, ref hashed);
                string assetId = Unique(Identifier(file.Path.Replace('/', '.')), taken);
                assets.Add(new JsonObject
                {
                    ["id"] = assetId,
                    ["fileName"] = file.Path.Replace('/', '_'),
                    ["size"] = file.Size,
                    ["sha256"] = sha256,
                    ["format"] = FormatOf(file.Path),
                    ["urls"] = new JsonArray(repository.ResolveUrl(commit, file.Path).AbsoluteUri),
                });
                references.Add(new JsonObject { ["id"] = assetId });
            }

            var model = new JsonObject
            {
                ["id"] = identity.ModelId,
                ["version"] = identity.Version,
                ["assets"] = references,
                ["provenance"] = new JsonObject { ["source"] = $"hf://{repository.Id}@{commit}", ["extractedBy"] = ManifestFragment.ToolName },
            };
            bool created = ExtractCommand.WriteInto(manifest, model, assets);
            host.Output.WriteLine($"{(created ? "created" : "updated")} {manifest}: model {identity.ModelId} {identity.Version} from hf://{repository.Id}@{commit}, {assets.Count} assets ({assets.Count - hashed} sha256 from the hub, {hashed} downloaded and hashed)");
            return ExitCodes.Ok;
        }
        catch (AssetSourceException e)
        {
            string what = e.Message.StartsWith(repository.Printable, StringComparison.Ordinal) ? e.Message : $"{repository.Printable}: {e.Message}";
            throw new CliException(e.Code, $"{what} Nothing was written.", ExitCodes.Findings);
        }
    }

    /// <summary>One file as the hub lists it.</summary>
    private sealed record HubFile(string Path, long Size, string? Sha256);

    /// <summary>The commit the revision resolved to and the matching files, from the hub's revision API.</summary>
    private static (string Commit, List<HubFile> Files) ReadFiles(HuggingFaceHub hub, Func<string, bool> wanted)
    {
        using JsonDocument info = hub.GetJsonAsync(hub.Repository.RevisionInfoUrl(), CancellationToken.None).GetAwaiter().GetResult();
        JsonElement root = info.RootElement;
        string commit = root.TryGetProperty("sha", out JsonElement sha) && sha.ValueKind == JsonValueKind.String && sha.GetString() is { Length: > 0 } s
            ? s
            : hub.Repository.Revision;
        var files = new List<HubFile>();
        if (!root.TryGetProperty("siblings", out JsonElement siblings) || siblings.ValueKind != JsonValueKind.Array)
        {
            throw new AssetSourceException(AssetDiagnosticIds.TransportError, "the hub's answer lists no files (no 'siblings'); is the endpoint a Hugging Face hub?");
        }

        foreach (JsonElement sibling in siblings.EnumerateArray())
        {
            if (Text(sibling, "rfilename") is not { Length: > 0 } path || !wanted(path))
            {
                continue;
            }

            JsonElement lfs = sibling.TryGetProperty("lfs", out JsonElement l) && l.ValueKind == JsonValueKind.Object ? l : default;
            long? size = Number(lfs, "size") ?? Number(sibling, "size");
            string? sha256 = Text(lfs, "sha256") is { } digest && Sha256Hex().IsMatch(digest) ? digest.ToLowerInvariant() : null;
            files.Add(new HubFile(path, size ?? -1, sha256));
        }

        return (commit, files);
    }

    /// <summary>Downloads a file the hub gives no sha256 for (a small file kept in git) and hashes it.</summary>
    private static string Hash(HuggingFaceHub hub, string commit, HubFile file, ref int hashed)
    {
        var probe = new AssetInfo { Id = "import", FileName = "import", Size = Math.Max(file.Size, 0), Sha256 = new string('0', 64) };
        using AssetContent content = hub.GetAsync(commit, file.Path, probe, 0, null, CancellationToken.None).GetAwaiter().GetResult();
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[1 << 16];
        long total = 0;
        for (int read; (read = content.Stream.Read(buffer)) > 0; total += read)
        {
            hash.AppendData(buffer, 0, read);
        }

        if (file.Size >= 0 && total != file.Size)
        {
            throw new AssetSourceException(AssetDiagnosticIds.SizeMismatch, $"'{file.Path}' delivered {total} bytes, the hub lists {file.Size}.");
        }

        hashed++;
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private static Func<string, bool> Matcher(string[] patterns)
    {
        if (patterns.Length == 0)
        {
            return path => !s_skippedByDefault.Contains(path, StringComparer.Ordinal);
        }

        var regexes = patterns.Select(p => new Regex("^" + Regex.Escape(p).Replace(@"\*", ".*", StringComparison.Ordinal).Replace(@"\?", ".", StringComparison.Ordinal) + "$", RegexOptions.CultureInvariant)).ToList();
        return path => regexes.Any(r => r.IsMatch(path));
    }

    /// <summary>The manifest's format name for a repository file, from its name.</summary>
    private static string FormatOf(string path)
    {
        string name = Path.GetFileName(path).ToLowerInvariant();
        return Path.GetExtension(name) switch
        {
            ".onnx" => "onnx",
            ".safetensors" => "safetensors",
            ".gguf" => "gguf",
            ".pt" or ".pth" or ".ckpt" => "torch",
            _ when name.StartsWith("tokenizer", StringComparison.Ordinal) || name is "vocab.json" or "vocab.txt" or "merges.txt" or "spiece.model" => "tokenizer",
            _ => "other",
        };
    }

    /// <summary>An identifier (letters, digits, then . _ : + -) made from a name.</summary>
    private static string Identifier(string name)
    {
        string cleaned = NotIdentifier().Replace(name, "-").TrimStart('.', '_', ':', '+', '-');
        return cleaned.Length == 0 ? "file" : cleaned[..Math.Min(cleaned.Length, 200)];
    }

    private static string Unique(string id, HashSet<string> taken)
    {
        string candidate = id;
        for (int n = 2; !taken.Add(candidate); n++)
        {
            candidate = $"{id}-{n}";
        }

        return candidate;
    }

    private static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static long? Number(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out JsonElement value) && value.TryGetInt64(out long number) ? number : null;

    [GeneratedRegex("[^A-Za-z0-9._:+-]", RegexOptions.CultureInvariant)]
    private static partial Regex NotIdentifier();

    [GeneratedRegex("^[0-9a-fA-F]{64}$", RegexOptions.CultureInvariant)]
    private static partial Regex Sha256Hex();
}
