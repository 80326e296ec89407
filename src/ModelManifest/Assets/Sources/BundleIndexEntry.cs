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

    /// <summary>
    /// The bundled file's identity (device, inode, size, mtime, ctime) when the build placed it, or <see langword="null"/>.
    /// While the file still has it, the runtime uses the file without hashing; otherwise it rehashes the file first.
    /// </summary>
    [JsonPropertyName("identity")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Identity { get; init; }
}
