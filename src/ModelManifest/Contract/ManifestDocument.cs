namespace ModelManifest;

/// <summary>The typed content of one manifest file.</summary>
public sealed record ManifestDocument
{
    /// <summary>Optional JSON Schema URI used by editors.</summary>
    [JsonPropertyName("$schema")]
    public string? Schema { get; init; }

    /// <summary>The manifest format version (major.minor) the file states.</summary>
    public required string SchemaVersion { get; init; }

    /// <summary>Models in the file.</summary>
    public ImmutableArray<ModelInfo> Models { get; init; } = ImmutableArray<ModelInfo>.Empty;

    /// <summary>Assets in the file.</summary>
    public ImmutableArray<AssetInfo> Assets { get; init; } = ImmutableArray<AssetInfo>.Empty;

    /// <summary>Open manifest-level metadata, or <see langword="null"/>.</summary>
    public JsonElement? Metadata { get; init; }

    /// <summary>Unknown properties, kept so that a newer manifest round-trips unchanged.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? AdditionalProperties { get; init; }
}
