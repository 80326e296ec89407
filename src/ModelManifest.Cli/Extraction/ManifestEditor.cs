using System.Text.Json;
using System.Text.Json.Nodes;

namespace ModelManifest.Cli.Extraction;

/// <summary>
/// Adds or updates model and asset entries in a manifest's text without re-serialising the file: the merge rules of
/// manifests, applied through a <see cref="JsonSpanDocument"/> so formatting, comments and unrelated entries keep every byte.
/// </summary>
/// <remarks>
/// Merge rules: a model is found by id + version, an asset by id + tag. Properties of an existing entry are merged
/// recursively: objects property by property (but each section under <c>metadata</c> is replaced whole), a model's
/// <c>assets</c> references by id + tag, lists of named objects by name (see <c>MergeNamed</c>), any other value
/// replaced. Properties the new data does not mention are kept. Replaced values keep the layout they had.
/// </remarks>
internal static class ManifestEditor
{
    /// <summary>Applies the upserts to <paramref name="text"/> (UTF-8, optional BOM) and returns the new bytes.</summary>
    /// <exception cref="FormatException">The text is not a JSON object.</exception>
    public static byte[] Upsert(byte[] text, JsonObject? model, JsonObject? asset)
    {
        var doc = new JsonSpanDocument(text);
        JsonSpanNode root = doc.Root;
        if (model is not null)
        {
            UpsertItem(doc, root, "models", model, ModelKey);
        }

        if (asset is not null)
        {
            UpsertItem(doc, root, "assets", asset, AssetKey);
        }

        return doc.Apply();
    }

    /// <summary>The models' (id, version) whose asset references include (<paramref name="assetId"/>, <paramref name="tag"/>).</summary>
    public static IReadOnlyList<(string Id, string Version)> ModelsReferencing(byte[] text, string assetId, string? tag)
    {
        using JsonDocument doc = JsonSpanDocument.ParseReadOnly(text);
        var result = new List<(string, string)>();
        if (!doc.RootElement.TryGetProperty("models", out JsonElement models) || models.ValueKind != JsonValueKind.Array)
        {
            return result;
        }

        foreach (JsonElement m in models.EnumerateArray())
        {
            if (m.ValueKind == JsonValueKind.Object && m.TryGetProperty("assets", out JsonElement refs) && refs.ValueKind == JsonValueKind.Array
                && refs.EnumerateArray().Any(r => Str(r, "id") == assetId && Str(r, "tag") == tag)
                && Str(m, "id") is { } id && Str(m, "version") is { } version)
            {
                result.Add((id, version));
            }
        }

        return result;
    }

    /// <summary>Assets (id, tag) with the given sha256.</summary>
    public static IReadOnlyList<(string Id, string? Tag)> AssetsWithSha256(byte[] text, string sha256)
    {
        using JsonDocument doc = JsonSpanDocument.ParseReadOnly(text);
        if (!doc.RootElement.TryGetProperty("assets", out JsonElement assets) || assets.ValueKind != JsonValueKind.Array)
        {
            return [];
        }

        return assets.EnumerateArray()
            .Where(a => a.ValueKind == JsonValueKind.Object && Str(a, "sha256") == sha256 && Str(a, "id") is not null)
            .Select(a => (Str(a, "id")!, Str(a, "tag")))
            .ToList();
    }

    private static string? Str(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out JsonElement v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static string ModelKey(JsonNode n) => $"{(string?)n["id"]}\u0000{(string?)n["version"]}";

    private static string AssetKey(JsonNode n) => $"{(string?)n["id"]}\u0000{(string?)n["tag"]}";

    /// <summary>In <paramref name="owner"/>'s array property <paramref name="arrayName"/>, update the item with the same key or append.</summary>
    private static void UpsertItem(JsonSpanDocument doc, JsonSpanNode owner, string arrayName, JsonObject item, Func<JsonNode, string> key)
    {
        var property = owner.Properties.FirstOrDefault(p => p.Name == arrayName);
        if (property.Value is null)
        {
            doc.InsertProperty(owner, arrayName, new JsonArray(item.DeepClone()));
            return;
        }

        JsonSpanNode array = property.Value;
        if (array.Kind != JsonTokenType.StartArray)
        {
            doc.Replace(array, new JsonArray(item.DeepClone()));
            return;
        }

        string wanted = key(item);
        JsonSpanNode? existing = array.Items.FirstOrDefault(i => i.Kind == JsonTokenType.StartObject && key(doc.ParsedOf(i)) == wanted);
        if (existing is null)
        {
            doc.Append(array, item);
        }
        else
        {
            Merge(doc, existing, item);
        }
    }

    private static void Merge(JsonSpanDocument doc, JsonSpanNode target, JsonObject values, bool replaceChildren = false)
    {
        if (target.Properties.Count == 0)
        {
            // An empty object: write the new properties in one edit (several inserts into "{}" would overlap).
            doc.Replace(target, values.DeepClone());
            return;
        }

        foreach (var (name, value) in values)
        {
            var property = target.Properties.FirstOrDefault(p => p.Name == name);
            if (property.Value is null)
            {
                doc.InsertProperty(target, name, value!.DeepClone());
            }
            else if (name == "assets" && value is JsonArray refs && property.Value.Kind == JsonTokenType.StartArray)
            {
                foreach (JsonNode? r in refs)
                {
                    UpsertItem(doc, target, "assets", (JsonObject)r!, AssetKey);
                }
            }
            else if (value is JsonArray named && property.Value.Kind == JsonTokenType.StartArray && IsNamedList(named)
                && doc.ParsedOf(property.Value) is JsonArray existing && IsNamedList(existing))
            {
                JsonArray merged = MergeNamed(existing, named, keepUnmatched: name is "packages" or "runtimes");
                if (!JsonNode.DeepEquals(existing, merged))
                {
                    doc.Replace(property.Value, merged);
                }
            }
            else if (value is JsonObject obj && property.Value.Kind == JsonTokenType.StartObject && !replaceChildren)
            {
                // Under "metadata" each section (checkpoint, verification) is rewritten whole, so no stale keys survive.
                Merge(doc, property.Value, obj, replaceChildren: name == "metadata");
            }
            else if (!JsonNode.DeepEquals(doc.ParsedOf(property.Value), value))
            {
                doc.Replace(property.Value, value!.DeepClone());
            }
        }
    }

    private static bool IsNamedList(JsonArray array) =>
        array.Count > 0 && array.All(i => i is JsonObject o && o["name"] is JsonValue v && v.GetValueKind() == JsonValueKind.String);

    /// <summary>
    /// Lists of named objects (variables, packages, runtimes) merge by name: an item that exists keeps its
    /// hand-written properties (description, units) and takes the new values; items only in the old list are
    /// kept when <paramref name="keepUnmatched"/> (requirements), dropped otherwise (the checkpoint's variables are
    /// the truth).
    /// </summary>
    private static JsonArray MergeNamed(JsonArray existing, JsonArray incoming, bool keepUnmatched)
    {
        var byName = existing.ToDictionary(i => (string)i!["name"]!, i => i!.AsObject(), StringComparer.Ordinal);
        var result = new JsonArray();
        foreach (JsonNode? item in incoming)
        {
            JsonObject merged = byName.TryGetValue((string)item!["name"]!, out JsonObject? old) ? (JsonObject)old.DeepClone() : [];
            foreach (var (key, v) in item.AsObject())
            {
                merged[key] = v?.DeepClone();
            }

            result.Add(merged);
        }

        if (keepUnmatched)
        {
            var names = incoming.Select(i => (string)i!["name"]!).ToHashSet(StringComparer.Ordinal);
            foreach (JsonNode? old in existing.Where(i => !names.Contains((string)i!["name"]!)))
            {
                result.Add(old!.DeepClone());
            }
        }

        return result;
    }
}
