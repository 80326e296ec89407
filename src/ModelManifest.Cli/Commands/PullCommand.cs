using System.CommandLine;
using System.Text.Json.Nodes;
using ModelManifest.Assets;
using ModelManifest.Cli.Extraction;
using ModelManifest.Cli.Output;

namespace ModelManifest.Cli.Commands;

/// <summary>
/// <c>pull &lt;id&gt;[@version|@alias] --registry &lt;url&gt; --into &lt;manifest&gt;</c>: writes a published model
/// version's entry and its assets into a project manifest (created if missing, edited in place like
/// <c>extract --into</c>), so the generator types the model and the build fetches it. Each asset gets the registry's blob
/// URL as a download hint.
/// </summary>
internal static class PullCommand
{
    public static Command Create()
    {
        var registry = new RegistryCommandLine();
        var model = new Argument<string>("model") { Description = "A model id (its latest version), or id@version, or id@alias." };
        var into = new Option<string>("--into") { Description = "Manifest file to add the entry to or update in place (created if missing); written atomically.", Required = true };
        var command = registry.Add(new Command("pull", "Write a registry model version's manifest entry into a project manifest.") { model, into });
        registry.SetAction(command, (host, client, parse) =>
        {
            var (id, wanted) = RegistryCommandLine.Reference(parse.GetValue(model)!);
            string version = wanted ?? LatestVersion(client, id);
            JsonNode answer = RegistryCommandLine.Wait(client.GetJsonAsync(client.Endpoint.Version(id, version), CancellationToken.None));
            var (entry, assets) = Entries(client, answer, id);
            string manifest = parse.GetValue(into)!;
            RefuseConflicts(manifest, (string)entry["id"]!, (string)entry["version"]!, assets);
            bool created = ExtractCommand.WriteInto(manifest, entry, assets);
            if (parse.GetValue(registry.Json))
            {
                RegistryCommandLine.WriteJson(host, new JsonObject
                {
                    ["manifest"] = Path.GetFullPath(manifest),
                    ["created"] = created,
                    ["id"] = entry["id"]?.DeepClone(),
                    ["version"] = entry["version"]?.DeepClone(),
                    ["assets"] = new JsonArray([.. assets.Select(a => a.DeepClone())]),
                });
            }
            else
            {
                host.Output.WriteLine($"{(created ? "created" : "updated")} {manifest}: model {(string?)entry["id"]} {(string?)entry["version"]} from {client.Name}, {assets.Count} asset(s)");
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static string LatestVersion(RegistryClient client, string id)
    {
        JsonNode summary = RegistryCommandLine.Wait(client.GetJsonAsync(client.Endpoint.Model(id), CancellationToken.None));
        return (string?)summary["latestVersion"] ?? throw new CliException(Diagnostics.UnknownModel, $"model '{id}' has no published version in {client.Name}");
    }

    /// <summary>The model entry and its assets from the version's published manifest, each asset with the registry's blob URL.</summary>
    private static (JsonObject Model, List<JsonObject> Assets) Entries(RegistryClient client, JsonNode answer, string id)
    {
        string version = (string?)answer["version"] ?? string.Empty;
        var document = answer["manifest"] as JsonObject;
        var entry = (document?["models"] as JsonArray)?.OfType<JsonObject>().FirstOrDefault(m => (string?)m["id"] == id && (string?)m["version"] == version);
        if (entry is null)
        {
            throw new CliException(Diagnostics.UnknownModel, $"{client.Name} answered {id}@{version} without its manifest entry");
        }

        var referenced = (entry["assets"] as JsonArray ?? []).OfType<JsonObject>().Select(r => ((string?)r["id"], (string?)r["tag"])).ToHashSet();
        var assets = new List<JsonObject>();
        foreach (var asset in (document!["assets"] as JsonArray ?? []).OfType<JsonObject>().Where(a => referenced.Contains(((string?)a["id"], (string?)a["tag"]))))
        {
            var copy = asset.DeepClone().AsObject();
            string blob = client.Endpoint.Blob((string?)copy["sha256"] ?? string.Empty).ToString();
            if (copy["urls"] is not JsonArray urls)
            {
                copy["urls"] = urls = [];
            }

            if (!urls.Any(u => (string?)u == blob))
            {
                urls.Add(blob);
            }
            assets.Add(copy);
        }

        if (assets.Count == 0)
        {
            throw new CliException(Diagnostics.UnknownModel, $"{client.Name} answered {id}@{version} without its assets");
        }

        return (entry.DeepClone().AsObject(), assets);
    }

    /// <summary>
    /// An asset entry (id + tag) already in the manifest with other bytes, used by another model version, would be
    /// repointed by the edit and break that model: refuse before writing anything.
    /// </summary>
    private static void RefuseConflicts(string manifest, string id, string version, List<JsonObject> assets)
    {
        if (!File.Exists(manifest))
        {
            return;
        }

        byte[] bytes = File.ReadAllBytes(manifest);
        Dictionary<(string Id, string? Tag), string?> held;
        try
        {
            using var existing = JsonSpanDocument.ParseReadOnly(bytes);
            held = existing.RootElement.TryGetProperty("assets", out var list) && list.ValueKind == System.Text.Json.JsonValueKind.Array
                ? list.EnumerateArray().Where(a => a.ValueKind == System.Text.Json.JsonValueKind.Object)
                    .Select(a => JsonNode.Parse(a.GetRawText())!.AsObject())
                    .Where(a => a["id"] is JsonValue)
                    .DistinctBy(a => ((string)a["id"]!, (string?)a["tag"]))
                    .ToDictionary(a => ((string)a["id"]!, (string?)a["tag"]), a => (string?)a["sha256"])
                : [];
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or FormatException or InvalidOperationException)
        {
            throw new CliException(Diagnostics.ManifestUnreadable, $"{manifest}: {e.Message}");
        }

        foreach (JsonObject asset in assets)
        {
            string assetId = (string)asset["id"]!;
            string? tag = (string?)asset["tag"];
            if (!held.TryGetValue((assetId, tag), out string? oldSha256) || oldSha256 == (string?)asset["sha256"])
            {
                continue;
            }

            var users = ManifestEditor.ModelsReferencing(bytes, assetId, tag).Where(m => m != (id, version)).ToList();
            if (users.Count > 0)
            {
                throw new CliException(Diagnostics.PulledAssetConflict,
                    $"{manifest}: asset '{assetId}{(tag is null ? "" : ":" + tag)}' there has other bytes (sha256 {oldSha256}) and is used by {string.Join(", ", users.Select(u => u.Id + "@" + u.Version))}; pulling {id}@{version} would change them. Nothing was written.");
            }
        }
    }
}
