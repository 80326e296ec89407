using System.Text.Json.Nodes;
using ModelManifest.Registry.Storage;

namespace ModelManifest.Registry.Catalog;

/// <summary>One published version, parsed once per catalog revision: its manifest model and assets and what searches use.</summary>
internal sealed class CatalogVersion
{
    public CatalogVersion(VersionRecord record)
    {
        Record = record;
        Document = JsonNode.Parse(record.Document)!.AsObject();
        Model = Document["models"]!.AsArray()[0]!.AsObject();
        Assets = Document["assets"]?.AsArray().Select(a => a!.AsObject()).ToList() ?? [];
        SemanticVersion = SemanticVersion.Parse(record.Version);
        Tags = Model["tags"]?.AsArray().Select(t => t!.GetValue<string>()).ToList() ?? [];
        Variables = Names(Model["inputs"]?["variables"]).Concat(Names(Model["outputs"]?["variables"])).ToHashSet(StringComparer.Ordinal);
        Frameworks = new[] { Model["provenance"]?["framework"], Model["metadata"]?["checkpoint"]?["format"] }
            .Select(n => n is JsonValue v && v.TryGetValue(out string? s) ? s : null)
            .Concat(Assets.Select(a => a["format"] is JsonValue v && v.TryGetValue(out string? s) ? s : null))
            .OfType<string>()
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
    }

    public VersionRecord Record { get; }

    public string ModelId => Record.ModelId;

    public string Version => Record.Version;

    public SemanticVersion SemanticVersion { get; }

    /// <summary>The version's own manifest document (<c>schemaVersion</c>, one model, its assets).</summary>
    public JsonObject Document { get; }

    public JsonObject Model { get; }

    public IReadOnlyList<JsonObject> Assets { get; }

    public IReadOnlyList<string> Tags { get; }

    public IReadOnlySet<string> Variables { get; }

    public IReadOnlySet<string> Frameworks { get; }

    public string? Description => Model["description"]?.GetValue<string>();

    public string? DisplayName => Model["displayName"]?.GetValue<string>();

    /// <summary>The manifest's own stage field (experimental, preview, stable, deprecated), if any.</summary>
    public string? ManifestStage => Model["stage"]?.GetValue<string>();

    private static IEnumerable<string> Names(JsonNode? variables) =>
        variables is JsonArray array ? array.Select(v => v?["name"]?.GetValue<string>()).OfType<string>() : [];
}
