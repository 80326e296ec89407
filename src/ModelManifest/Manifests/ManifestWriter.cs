using System.Text.Json;

namespace ModelManifest;

/// <summary>Writes manifest documents back as JSON in the contract's form (camelCase, indented, nulls omitted).</summary>
public static class ManifestWriter
{
    /// <summary>The schema version this library writes.</summary>
    public const string CurrentSchemaVersion = "1.1";

    /// <summary>The manifest document as JSON text.</summary>
    public static string ToJson(ManifestDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        return JsonSerializer.Serialize(document, ManifestJsonContext.Default.ManifestDocument);
    }

    /// <summary>A document holding exactly one model version and the assets it references, as a registry or artifact keeps it.</summary>
    public static ManifestDocument ForModel(ModelInfo model, IEnumerable<AssetInfo> assets)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(assets);
        return new ManifestDocument { SchemaVersion = CurrentSchemaVersion, Models = [model], Assets = [.. assets] };
    }
}
