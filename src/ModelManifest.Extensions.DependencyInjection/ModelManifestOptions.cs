using ModelManifest.Assets;

namespace ModelManifest.Extensions.DependencyInjection;

/// <summary>What <see cref="ModelManifestServiceCollectionExtensions.AddModelManifest"/> builds.</summary>
public sealed class ModelManifestOptions
{
    /// <summary>The cache root; <see langword="null"/> uses <see cref="AssetCache.DefaultRoot"/>.</summary>
    public string? CacheRoot { get; set; }

    /// <summary>The hard offline switch (<see cref="AssetManagerOptions.Offline"/>).</summary>
    public bool Offline { get; set; } = new AssetManagerOptions().Offline;

    /// <summary>The folder holding the app's bundle index; <see langword="null"/> disables the bundled source.</summary>
    public string? BundleDirectory { get; set; } = AppContext.BaseDirectory;

    /// <summary>Asset sources with their priorities (lower is asked first). The bundle, when present, is asked before them.</summary>
    public IList<(IAssetSource Source, int Priority)> Sources { get; } = new List<(IAssetSource, int)>();

    /// <summary>Manifest sources merged by the <see cref="ModelProvider"/>.</summary>
    public IList<IManifestSource> Manifests { get; } = new List<IManifestSource>();

    /// <summary>Adds an asset source.</summary>
    public ModelManifestOptions AddSource(IAssetSource source, int priority = 0)
    {
        Sources.Add((source, priority));
        return this;
    }

    /// <summary>Adds a manifest source.</summary>
    public ModelManifestOptions AddManifest(IManifestSource source)
    {
        Manifests.Add(source);
        return this;
    }
}
