namespace ModelManifest.Assets;

/// <summary>One snapshot folder of the cache: a model version's files under their manifest names, linked to the blobs.</summary>
/// <param name="ModelId">The model id.</param>
/// <param name="Version">The model version.</param>
/// <param name="Path">Full path of the folder (<c>snapshots/&lt;model-id&gt;/&lt;version&gt;</c> under the cache root).</param>
/// <param name="Files">The file names in the folder.</param>
/// <param name="BrokenLinks">Symbolic links whose blob is gone (repaired the next time the model's folder is asked for).</param>
public sealed record CacheSnapshot(string ModelId, string Version, string Path, IReadOnlyList<string> Files, int BrokenLinks);
