using ModelManifest.Registry.Storage;

namespace ModelManifest.Registry.Catalog;

/// <summary>One model in a snapshot: its versions oldest to newest (semver order) and its aliases.</summary>
internal sealed record CatalogModel(string Id, IReadOnlyList<CatalogVersion> Versions, IReadOnlyDictionary<string, AliasRecord> Aliases)
{
    public CatalogVersion Latest => Versions[^1];

    /// <summary>A version by number, or by alias name.</summary>
    public CatalogVersion? Resolve(string versionOrAlias) =>
        Versions.FirstOrDefault(v => v.Version == versionOrAlias)
        ?? (Aliases.TryGetValue(versionOrAlias, out AliasRecord? alias) ? Versions.FirstOrDefault(v => v.Version == alias.Version) : null);
}

/// <summary>The whole catalog at one revision, indexed for reads; immutable, shared by all requests until the next write.</summary>
internal sealed class CatalogSnapshot
{
    public CatalogSnapshot(CatalogData data)
    {
        Revision = data.Revision;
        var aliases = data.Aliases.GroupBy(a => a.ModelId).ToDictionary(g => g.Key, g => (IReadOnlyDictionary<string, AliasRecord>)g.ToDictionary(a => a.Alias, StringComparer.Ordinal), StringComparer.Ordinal);
        Models = data.Versions
            .Select(v => new CatalogVersion(v))
            .GroupBy(v => v.ModelId, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new CatalogModel(g.Key, g.OrderBy(v => v.SemanticVersion).ToList(), aliases.GetValueOrDefault(g.Key) ?? new Dictionary<string, AliasRecord>()))
            .ToDictionary(m => m.Id, StringComparer.Ordinal);
    }

    public long Revision { get; }

    public IReadOnlyDictionary<string, CatalogModel> Models { get; }

    public CatalogModel? Find(string id) => Models.GetValueOrDefault(id);
}
