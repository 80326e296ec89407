namespace ModelManifest.Assets;

/// <summary>Where a <see cref="ModelProvider"/> gets one manifest: the generated catalog, a file, an HTTP URL, or your own.</summary>
public interface IManifestSource
{
    /// <summary>Names the manifest in messages (never containing credentials).</summary>
    string Name { get; }

    /// <summary>Higher wins when two manifests describe the same model version (ties: the later source).</summary>
    int Precedence { get; }

    /// <summary>Loads the manifest. Throw to report a problem; the provider keeps the other manifests.</summary>
    /// <param name="offline">When true, open no connection (serve a cached copy or fail).</param>
    /// <param name="cancellationToken">Cancels the load.</param>
    ValueTask<ManifestDocument> LoadAsync(bool offline, CancellationToken cancellationToken);
}
