namespace ModelManifest.Assets;

/// <summary>The outcome of <see cref="AssetManager.GetAsync"/>: where the verified file is and who served it.</summary>
/// <param name="Asset">The asset.</param>
/// <param name="CachePath">Full path of the verified, read-only blob in the cache.</param>
/// <param name="SourceName">The source that delivered the bytes, or <see langword="null"/> when they were already cached.</param>
/// <param name="Attempts">Sources that were asked before the one that served, with what they said.</param>
public sealed record AssetResult(AssetKey Asset, string CachePath, string? SourceName, IReadOnlyList<SourceAttempt> Attempts)
{
    /// <summary>Whether the asset was already in the cache (no source was asked).</summary>
    public bool FromCache => SourceName is null;
}
