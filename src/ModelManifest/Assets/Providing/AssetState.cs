namespace ModelManifest.Assets;

/// <summary>Where an asset stands for <see cref="AssetProvider.GetStatus"/>.</summary>
public enum AssetState
{
    /// <summary>Not bundled, not cached, and no download has been started.</summary>
    Missing,

    /// <summary>A download is running; see <see cref="AssetStatus.Fraction"/>.</summary>
    Downloading,

    /// <summary>A local, verified file exists; see <see cref="AssetStatus.Path"/>.</summary>
    Available,

    /// <summary>The last download failed; see <see cref="AssetStatus.Error"/>. The next request tries again.</summary>
    Failed,
}
