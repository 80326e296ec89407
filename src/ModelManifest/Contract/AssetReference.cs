namespace ModelManifest;

/// <summary>A model's reference to an asset, by asset id and optional tag.</summary>
public sealed record AssetReference
{
    /// <summary>Id of the referenced asset.</summary>
    public required string Id { get; init; }

    /// <summary>Variant of the referenced asset, or <see langword="null"/> for the untagged asset.</summary>
    public string? Tag { get; init; }

    /// <summary>What the asset is to the model (for example <c>checkpoint</c>), or <see langword="null"/>.</summary>
    public string? Role { get; init; }

    /// <summary>The key of the referenced asset.</summary>
    [JsonIgnore]
    public AssetKey Key => new(Id, Tag);

    /// <summary>Unknown properties, kept so that a newer manifest round-trips unchanged.</summary>
    [JsonExtensionData]
    [JsonInclude]
    public Dictionary<string, JsonElement>? AdditionalProperties { get; internal set; }
}
