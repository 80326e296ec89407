namespace ModelManifest;

/// <summary>One asset file: a checkpoint, weights, tokenizer or other data a model needs.</summary>
public sealed record AssetInfo
{
    /// <summary>Asset identifier; with <see cref="Tag"/> unique in a manifest.</summary>
    public required string Id { get; init; }

    /// <summary>Variant of the asset (for example a quantization), or <see langword="null"/>.</summary>
    public string? Tag { get; init; }

    /// <summary>File name the asset is stored under when bundled; validated to be a safe single path segment.</summary>
    public required string FileName { get; init; }

    /// <summary>Exact size in bytes.</summary>
    public required long Size { get; init; }

    /// <summary>SHA-256 digest as 64 lowercase hexadecimal characters.</summary>
    public required string Sha256 { get; init; }

    /// <summary>File format.</summary>
    public AssetFormat Format { get; init; }

    /// <summary>Download hints: absolute http(s) URLs serving exactly this file.</summary>
    public ImmutableArray<string> Urls { get => _urls.OrEmpty(); init => _urls = value; }

    // Normalized in the getter: System.Text.Json's source generator assigns default to absent init-only members.
    private readonly ImmutableArray<string> _urls;

    /// <summary>License as an SPDX expression or URL, or <see langword="null"/>.</summary>
    public string? License { get; init; }

    /// <summary>What the file contains, or <see langword="null"/>.</summary>
    public string? Description { get; init; }

    /// <summary>The key (id + tag) of this asset.</summary>
    [JsonIgnore]
    public AssetKey Key => new(Id, Tag);

    /// <summary>Unknown properties, kept so that a newer manifest round-trips unchanged.</summary>
    [JsonExtensionData]
    [JsonInclude]
    public Dictionary<string, JsonElement>? AdditionalProperties { get; internal set; }
}
