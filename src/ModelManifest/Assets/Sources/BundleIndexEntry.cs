namespace ModelManifest.Assets;

/// <summary>One bundled asset in a <see cref="BundleIndex"/>.</summary>
public sealed record BundleIndexEntry
{
    /// <summary>Asset id.</summary>
    [JsonPropertyName("id")]
    public required string Id { get; init; }

    /// <summary>Asset tag, or <see langword="null"/>.</summary>
    [JsonPropertyName("tag")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Tag { get; init; }

    /// <summary>SHA-256 of the file, lowercase hex.</summary>
    [JsonPropertyName("sha256")]
    public required string Sha256 { get; init; }

    /// <summary>Size in bytes.</summary>
    [JsonPropertyName("size")]
    public required long Size { get; init; }

    /// <summary>Path relative to the index's folder, '/'-separated.</summary>
    [JsonPropertyName("path")]
    public required string Path { get; init; }
}
