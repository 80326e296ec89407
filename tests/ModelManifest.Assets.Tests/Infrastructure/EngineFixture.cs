namespace ModelManifest.Assets.Tests.Infrastructure;

/// <summary>Builds managers and sources with short retry delays so failure paths run fast.</summary>
public sealed class EngineFixture : IDisposable
{
    private readonly List<IDisposable> _owned = new();

    public EngineFixture(bool offline = false)
    {
        Cache = new AssetCache(Dir.Sub("cache"));
        Options = new AssetManagerOptions { Offline = offline, RetryDelay = TimeSpan.FromMilliseconds(10), Logger = new ListLogger(Log) };
        Manager = new AssetManager(Cache, Options);
    }

    public TempDir Dir { get; } = new();

    public AssetCache Cache { get; }

    public AssetManagerOptions Options { get; }

    public AssetManager Manager { get; }

    public List<string> Log { get; } = new();

    public HttpAssetSource Http(Uri baseUrl, string template = "{fileName}", Action<HttpAssetSourceOptions>? configure = null)
    {
        var options = new HttpAssetSourceOptions { BaseUrl = baseUrl, PathTemplate = template, RetryDelay = TimeSpan.FromMilliseconds(10) };
        configure?.Invoke(options);
        var source = new HttpAssetSource(options);
        _owned.Add(source);
        return source;
    }

    /// <summary>Files in the cache other than CACHEDIR.TAG and lock files.</summary>
    public IReadOnlyList<string> CacheFiles() =>
        Directory.EnumerateFiles(Cache.Root, "*", SearchOption.AllDirectories)
            .Select(f => System.IO.Path.GetRelativePath(Cache.Root, f))
            .Where(f => f != "CACHEDIR.TAG" && !f.StartsWith("locks", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToList();

    public void Dispose()
    {
        foreach (var owned in _owned)
        {
            owned.Dispose();
        }

        Dir.Dispose();
    }
}
