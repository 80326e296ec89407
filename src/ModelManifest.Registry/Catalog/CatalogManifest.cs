using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ModelManifest.Registry.Catalog;

/// <summary>A manifest document as sent: the UTF-8 bytes and their strong ETag.</summary>
internal sealed record RenderedManifest(byte[] Utf8, string ETag);

/// <summary>
/// The catalog (or a filtered part) as ONE model manifest document, the same contract the generator and
/// <c>HttpManifestSource</c> read. Every asset's <c>urls</c> is the registry's blob URL. Assets shared by versions
/// appear once; when two versions use one asset key with different bytes, the older copies get a tag naming their bytes
/// (and their model entries point at it), so the document stays valid.
/// </summary>
internal static class CatalogManifest
{
    public const string SchemaVersion = "1.1";

    public static RenderedManifest Render(CatalogSnapshot snapshot, CatalogFilter filter, string baseUrl)
    {
        var models = new JsonArray();
        var assets = new JsonArray();
        var emitted = new Dictionary<(string Id, string? Tag), string>();
        foreach (CatalogModel model in snapshot.Models.Values)
        {
            // Newest first, so the newest version keeps the asset keys as published.
            foreach (CatalogVersion version in model.Versions.Reverse().Where(v => filter.Matches(model, v)))
            {
                var modelNode = version.Model.DeepClone().AsObject();
                foreach (JsonObject asset in version.Assets)
                {
                    string id = asset["id"]!.GetValue<string>();
                    string? tag = asset["tag"]?.GetValue<string>();
                    string sha = asset["sha256"]!.GetValue<string>();
                    if (emitted.TryGetValue((id, tag), out string? existing))
                    {
                        if (existing == sha)
                        {
                            continue;
                        }

                        string newTag = Retag(tag, sha);
                        Repoint(modelNode, id, tag, newTag);
                        tag = newTag;
                        if (emitted.ContainsKey((id, tag)))
                        {
                            // The same bytes were retagged the same way for another version: share that entry.
                            continue;
                        }
                    }

                    emitted[(id, tag)] = sha;
                    var copy = asset.DeepClone().AsObject();
                    if (tag is not null)
                    {
                        copy["tag"] = tag;
                    }

                    copy["urls"] = new JsonArray($"{baseUrl}/v1/blobs/sha256/{sha}");
                    assets.Add(copy);
                }

                models.Add(modelNode);
            }
        }

        var document = new JsonObject { ["schemaVersion"] = SchemaVersion, ["models"] = models, ["assets"] = assets };
        byte[] utf8 = JsonSerializer.SerializeToUtf8Bytes(document);
        string etag = "\"" + Convert.ToHexStringLower(SHA256.HashData(utf8))[..32] + "\"";
        return new RenderedManifest(utf8, etag);
    }

    /// <summary>A tag that names the bytes: unique per (key, content), stable across revisions.</summary>
    private static string Retag(string? tag, string sha256) => tag is null ? "sha256-" + sha256[..16] : $"{tag}-sha256-{sha256[..16]}";

    private static void Repoint(JsonObject model, string id, string? tag, string newTag)
    {
        foreach (JsonNode? reference in model["assets"]?.AsArray() ?? [])
        {
            if (reference?["id"]?.GetValue<string>() == id && reference["tag"]?.GetValue<string>() == tag)
            {
                reference["tag"] = newTag;
            }
        }
    }
}
