namespace ModelManifest.Assets;

/// <summary>What <see cref="AssetCache.Prune"/> removed.</summary>
/// <param name="RemovedCount">Blobs removed.</param>
/// <param name="RemovedBytes">Bytes freed.</param>
public sealed record PruneResult(int RemovedCount, long RemovedBytes);
