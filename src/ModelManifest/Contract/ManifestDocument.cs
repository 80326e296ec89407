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
    public ImmutableArray<ModelInfo> Models { get => _models.OrEmpty(); init => _models = value; }

    // Normalized in the getter: System.Text.Json's source generator assigns default to absent init-only members.
    private readonly ImmutableArray<ModelInfo> _models;

    /// <summary>Assets in the file.</summary>
    public ImmutableArray<AssetInfo> Assets { get => _assets.OrEmpty(); init => _assets = value; }

    // Normalized in the getter: System.Text.Json's source generator assigns default to absent init-only members.
    private readonly ImmutableArray<AssetInfo> _assets;

    /// <summary>Open manifest-level metadata, or <see langword="null"/>.</summary>
    public JsonElement? Metadata { get; init; }

    /// <summary>Unknown properties, kept so that a newer manifest round-trips unchanged.</summary>
    [JsonExtensionData]
    [JsonInclude]
    public Dictionary<string, JsonElement>? AdditionalProperties { get; internal set; }
}
