namespace ModelManifest.Assets;

/// <summary>
/// A source whose assets are files on this machine already (another tool's cache): the engine then links the file into
/// its cache (reflink, else hardlink) and hashes the link before publishing it, instead of copying the bytes through a
/// stream. A file that does not hash to the manifest's sha256 is never published.
/// </summary>
internal interface ILocalFileAssetSource : IAssetSource
{
    /// <summary>The file holding <paramref name="asset"/> (of its size), or <see langword="null"/> when there is none.</summary>
    string? GetLocalPath(AssetInfo asset);
}
