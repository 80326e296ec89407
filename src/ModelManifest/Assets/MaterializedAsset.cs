namespace ModelManifest.Assets;

/// <summary>An asset placed into a target folder.</summary>
/// <param name="Asset">How the asset was obtained (source, cache path).</param>
/// <param name="Path">Full path of the materialized file.</param>
/// <param name="Mode">The mode actually used: <see cref="LinkMode.Reflink"/>, <see cref="LinkMode.Hardlink"/> or <see cref="LinkMode.Copy"/>.</param>
public sealed record MaterializedAsset(AssetResult Asset, string Path, LinkMode Mode);
