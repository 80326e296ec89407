namespace ModelManifest;

/// <summary>
/// An immutable view of merged manifests with the queries an application needs. A refresh builds a new
/// snapshot; whoever holds an older one keeps a consistent view.
/// </summary>
public sealed class ManifestSnapshot
{
    private readonly Dictionary<string, ImmutableArray<ModelInfo>> _versionsById;
    private readonly Dictionary<AssetKey, AssetInfo> _assetsByKey;

    /// <summary>An empty snapshot.</summary>
    public static ManifestSnapshot Empty { get; } = new(ImmutableArray<ModelInfo>.Empty, ImmutableArray<AssetInfo>.Empty);

    /// <summary>Creates a snapshot; models are ordered by id, then newest version first.</summary>
    public ManifestSnapshot(ImmutableArray<ModelInfo> models, ImmutableArray<AssetInfo> assets)
    {
        Models = models.OrderBy(m => m.Id, StringComparer.Ordinal)
            .ThenByDescending(m => m.SemanticVersion)
            .ToImmutableArray();
        Assets = assets.OrderBy(a => a.Id, StringComparer.Ordinal).ThenBy(a => a.Tag, StringComparer.Ordinal).ToImmutableArray();
        _versionsById = Models.GroupBy(m => m.Id, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.ToImmutableArray(), StringComparer.Ordinal);
        _assetsByKey = Assets.ToDictionary(a => a.Key);
    }

    /// <summary>Every model version, by id then newest first.</summary>
    public ImmutableArray<ModelInfo> Models { get; }

    /// <summary>Every asset, by id then tag.</summary>
    public ImmutableArray<AssetInfo> Assets { get; }

    /// <summary>
    /// The latest version of a model: the highest release by semver precedence, or the highest pre-release when
    /// there is no release. <see langword="null"/> when the id is unknown.
    /// </summary>
    public ModelInfo? GetLatest(string id)
    {
        if (!_versionsById.TryGetValue(id, out var versions))
        {
            return null;
        }

        return versions.FirstOrDefault(m => !m.SemanticVersion.IsPreRelease) ?? versions[0];
    }

    /// <summary>A model by id and exact version (build metadata ignored, as semver says), or <see langword="null"/>.</summary>
    public ModelInfo? Get(string id, string version)
    {
        if (!_versionsById.TryGetValue(id, out var versions) || !SemanticVersion.TryParse(version, out var wanted))
        {
            return null;
        }

        return versions.FirstOrDefault(m => m.SemanticVersion.Equals(wanted));
    }

    /// <summary>All versions of a model, newest first (empty when unknown).</summary>
    public ImmutableArray<ModelInfo> GetVersions(string id)
        => _versionsById.TryGetValue(id, out var versions) ? versions : ImmutableArray<ModelInfo>.Empty;

    /// <summary>An asset by key, or <see langword="null"/>.</summary>
    public AssetInfo? FindAsset(AssetKey key) => _assetsByKey.TryGetValue(key, out var asset) ? asset : null;

    /// <summary>The assets a model references, resolved (references that do not resolve are skipped).</summary>
    public ImmutableArray<AssetInfo> GetAssets(ModelInfo model)
        => model.Assets.Select(r => FindAsset(r.Key)).OfType<AssetInfo>().ToImmutableArray();

    /// <summary>Every model version that references an asset.</summary>
    public ImmutableArray<ModelInfo> GetModelsUsing(AssetKey key)
        => Models.Where(m => m.Assets.Any(r => r.Key == key)).ToImmutableArray();
}
