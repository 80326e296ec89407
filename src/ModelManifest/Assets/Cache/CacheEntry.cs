namespace ModelManifest.Assets;

/// <summary>One blob in the cache.</summary>
/// <param name="Sha256">The blob's digest (its key).</param>
/// <param name="Size">Size in bytes.</param>
/// <param name="LastUsed">When the blob was last stored or found by a lookup.</param>
/// <param name="Path">Full path of the read-only blob.</param>
public sealed record CacheEntry(string Sha256, long Size, DateTimeOffset LastUsed, string Path);
