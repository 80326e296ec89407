using ModelManifest.Reading;

namespace ModelManifest.Assets;

/// <summary>
/// The runtime model provider: merges manifests from several sources with explicit precedence into an immutable
/// <see cref="ManifestSnapshot"/>, and gets model assets through an <see cref="AssetProvider"/>.
/// A refresh publishes a new snapshot; snapshots handed out earlier stay valid and unchanged for whoever holds them.
/// </summary>
public sealed class ModelProvider
{
    private readonly IManifestSource[] _sources;
    private readonly AssetManager _manager;
    private readonly SemaphoreSlim _refresh = new(1, 1);
    private volatile ManifestSnapshot _current = ManifestSnapshot.Empty;

    /// <summary>Creates the provider; call <see cref="RefreshAsync"/> to load the manifests.</summary>
    public ModelProvider(AssetManager manager, IEnumerable<IManifestSource> sources, BundledAssetSource? bundle = null)
    {
        ArgumentNullException.ThrowIfNull(manager);
        _manager = manager;
        _sources = sources.ToArray();
        Assets = new AssetProvider(manager, bundle);
    }

    /// <summary>The latest merged snapshot (empty before the first refresh).</summary>
    public ManifestSnapshot Current => _current;

    /// <summary>Problems of the last refresh: sources that failed (their manifests were left out) and merge diagnostics.</summary>
    public IReadOnlyList<string> Problems { get; private set; } = Array.Empty<string>();

    /// <summary>The asset side: paths, status, background downloads.</summary>
    public AssetProvider Assets { get; }

    /// <summary>Loads every manifest source, merges them, and publishes the result as <see cref="Current"/>.</summary>
    public async Task<ManifestSnapshot> RefreshAsync(CancellationToken cancellationToken = default)
    {
        await _refresh.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var problems = new List<string>();
            var inputs = new List<ManifestMergeInput>();
            foreach (var source in _sources)
            {
                try
                {
                    var document = await source.LoadAsync(_manager.IsOffline, cancellationToken).ConfigureAwait(false);
                    inputs.Add(new ManifestMergeInput(document, source.Name, source.Precedence));
                }
                catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
                {
                    problems.Add($"{source.Name}: {e.Message}");
                }
            }

            var merged = ManifestMerger.Merge(inputs);
            problems.AddRange(merged.Diagnostics.Where(d => d.Severity == ManifestSeverity.Error).Select(d => d.ToString()));
            Problems = problems;
            _current = merged.Snapshot;
            return merged.Snapshot;
        }
        finally
        {
            _refresh.Release();
        }
    }

    /// <summary>Completes when every asset of <paramref name="model"/> (resolved in <see cref="Current"/>) is available locally.</summary>
    public Task<IReadOnlyDictionary<AssetKey, string>> EnsureModelAsync(ModelInfo model, CancellationToken cancellationToken = default) =>
        Assets.EnsureModelAsync(model, Current.GetAssets(model), cancellationToken);

    /// <summary>
    /// Returns a folder with every asset of <paramref name="model"/> (resolved in <see cref="Current"/>) under its manifest
    /// file name: the bundle's folder for the model, else its snapshot folder in the cache. See <see cref="AssetProvider.GetModelDirectoryAsync"/>.
    /// </summary>
    public Task<string> GetModelDirectoryAsync(ModelInfo model, CancellationToken cancellationToken = default) =>
        Assets.GetModelDirectoryAsync(model, Current.GetAssets(model), cancellationToken);

    /// <summary>Soft compatibility of <paramref name="model"/> with this machine: a verdict with reasons, never a block.</summary>
    public CompatibilityReport CheckCompatibility(ModelInfo model) => CompatibilityChecker.Check(model, PlatformDescription.Current());
}
