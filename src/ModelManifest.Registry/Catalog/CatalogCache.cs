using System.Collections.Concurrent;
using ModelManifest.Registry.Storage;

namespace ModelManifest.Registry.Catalog;

/// <summary>
/// The current <see cref="CatalogSnapshot"/>, reloaded only when the database's catalog revision moved (a write on
/// this or any other instance), plus rendered manifest documents of that revision by filter and base URL.
/// </summary>
internal sealed class CatalogCache(IMetadataStore store)
{
    private readonly SemaphoreSlim _reload = new(1, 1);
    private readonly ConcurrentDictionary<string, RenderedManifest> _manifests = new(StringComparer.Ordinal);
    private CatalogSnapshot? _snapshot;

    public async Task<CatalogSnapshot> GetAsync(CancellationToken cancellationToken)
    {
        long revision = await store.GetRevisionAsync(cancellationToken);
        if (_snapshot is { } current && current.Revision == revision)
        {
            return current;
        }

        await _reload.WaitAsync(cancellationToken);
        try
        {
            if (_snapshot is { } again && again.Revision >= revision)
            {
                return again;
            }

            var fresh = new CatalogSnapshot(await store.LoadCatalogAsync(cancellationToken));
            _manifests.Clear();
            _snapshot = fresh;
            return fresh;
        }
        finally
        {
            _reload.Release();
        }
    }

    /// <summary>The manifest document of <paramref name="filter"/>, rendered once per revision and base URL.</summary>
    public RenderedManifest GetManifest(CatalogSnapshot snapshot, CatalogFilter filter, string baseUrl)
    {
        string key = $"{snapshot.Revision}\u001e{baseUrl}\u001e{filter.Key}";
        return _manifests.GetOrAdd(key, _ => CatalogManifest.Render(snapshot, filter, baseUrl));
    }
}
