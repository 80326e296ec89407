using ModelManifest.Assets;

namespace ModelManifest.Extensions.DependencyInjection;

/// <summary>
/// What <see cref="Microsoft.Extensions.DependencyInjection.ModelManifestServiceCollectionExtensions.AddModelManifest(Microsoft.Extensions.DependencyInjection.IServiceCollection, Action{ModelManifestOptions})"/>
/// builds. The scalar settings and <see cref="HttpSources"/> bind from configuration (a <c>ModelManifest</c> section).
/// </summary>
public sealed class ModelManifestOptions
{
    /// <summary>
    /// The name of the <see cref="System.Net.Http.IHttpClientFactory"/> client the HTTP sources use. Configure it
    /// (<c>services.AddHttpClient("ModelManifest")...</c>) to add a proxy, a client certificate or handlers; its primary
    /// handler does not follow redirects, because <see cref="HttpAssetSource"/> follows them itself so credentials never
    /// reach another host.
    /// </summary>
    public const string HttpClientName = "ModelManifest";

    /// <summary>The cache root; <see langword="null"/> uses <see cref="AssetCache.DefaultRoot"/>.</summary>
    public string? CacheRoot { get; set; }

    /// <summary>The hard offline switch (<see cref="AssetManagerOptions.Offline"/>).</summary>
    public bool Offline { get; set; } = new AssetManagerOptions().Offline;

    /// <summary>The folder holding the app's bundle index; <see langword="null"/> disables the bundled source.</summary>
    public string? BundleDirectory { get; set; } = AppContext.BaseDirectory;

    /// <summary>
    /// Whether the sources the build resolved with (its <c>ModelAssetSource</c> items and those of referenced
    /// libraries, recorded in <c>modelmanifest.sources.json</c> beside the app in <see cref="BundleDirectory"/>) are
    /// asked too, at their build priorities. Default <see langword="true"/>: sources are declared once, in the project.
    /// </summary>
    public bool UseBuildSources { get; set; } = true;

    /// <summary>Asset sources with their priorities (lower is asked first). The bundle, when present, is asked before them.</summary>
    public IList<(IAssetSource Source, int Priority)> Sources { get; } = new List<(IAssetSource, int)>();

    /// <summary>HTTP asset sources built on the <see cref="HttpClientName"/> client (bindable from configuration).</summary>
    public IList<ModelManifestHttpSource> HttpSources { get; } = new List<ModelManifestHttpSource>();

    /// <summary>Manifest sources merged by the <see cref="ModelProvider"/>.</summary>
    public IList<IManifestSource> Manifests { get; } = new List<IManifestSource>();

    /// <summary>Adds an asset source.</summary>
    public ModelManifestOptions AddSource(IAssetSource source, int priority = 0)
    {
        Sources.Add((source, priority));
        return this;
    }

    /// <summary>Adds an HTTP asset source at <paramref name="baseUrl"/>, asked at <paramref name="priority"/>.</summary>
    public ModelManifestOptions AddHttpSource(Uri baseUrl, int priority)
    {
        ArgumentNullException.ThrowIfNull(baseUrl);
        HttpSources.Add(new ModelManifestHttpSource { BaseUrl = baseUrl, Priority = priority });
        return this;
    }

    /// <summary>Adds a manifest source.</summary>
    public ModelManifestOptions AddManifest(IManifestSource source)
    {
        Manifests.Add(source);
        return this;
    }

    /// <summary>
    /// Adds the build's catalog (the generated <c>Models.Snapshot</c>) as a manifest source: the
    /// <see cref="ModelProvider"/> then knows the models and assets the project declared at build time, with no
    /// manifest file to ship. When every manifest source is in memory, the provider starts with them loaded.
    /// </summary>
    public ModelManifestOptions AddCatalog(ManifestSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        Manifests.Add(new DocumentManifestSource(new ManifestDocument { SchemaVersion = CatalogSchemaVersion, Models = snapshot.Models, Assets = snapshot.Assets }, "catalog"));
        return this;
    }

    /// <summary>The schema version of the catalog's in-memory document: the snapshot is already validated and merged.</summary>
    private const string CatalogSchemaVersion = ManifestWriter.CurrentSchemaVersion;
}
