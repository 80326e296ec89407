namespace ModelManifest.Assets;

/// <summary>A source's answer to "can you provide this asset?".</summary>
/// <param name="IsAvailable">Whether the source believes it can provide the asset.</param>
/// <param name="Size">The size in bytes the source reports, when known.</param>
/// <param name="Reason">Why the asset is not available (for messages), or <see langword="null"/>.</param>
public readonly record struct AssetAvailability(bool IsAvailable, long? Size, string? Reason)
{
    /// <summary>The source can provide the asset.</summary>
    public static AssetAvailability Yes(long? size = null) => new(true, size, null);

    /// <summary>The source cannot provide the asset, with a reason for the error message.</summary>
    public static AssetAvailability No(string reason) => new(false, null, reason);
}
