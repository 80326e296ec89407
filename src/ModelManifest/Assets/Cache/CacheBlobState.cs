namespace ModelManifest.Assets;

/// <summary>The state of a blob as found by <see cref="AssetCache.VerifyAsync"/>.</summary>
public enum CacheBlobState
{
    /// <summary>No blob with that digest is cached.</summary>
    Missing,

    /// <summary>The blob's bytes hash to its digest.</summary>
    Intact,

    /// <summary>The blob's bytes changed; it has been removed so the next request fetches it again.</summary>
    Corrupt,
}
