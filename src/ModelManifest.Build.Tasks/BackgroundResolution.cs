using ModelManifest.Assets;

namespace ModelManifest.Build.Tasks;

/// <summary>
/// Downloads started before compilation, so that the two slow steps of a cold build overlap: the compiler is bound by
/// the CPU, a large download by the network and the disk. The early target runs <see cref="ResolveModelAssets"/> with
/// <see cref="ResolveModelAssets.StartInBackground"/>, which starts them and registers this object with MSBuild for
/// the build's lifetime. The resolve target, after compilation, takes it back, waits for each asset's fetch and then
/// places the file and reports as usual. A fetch that failed is reported then with the sources it asked, not retried.
/// MSBuild disposes the object when the build ends, also when compilation failed and the resolve target never ran.
/// Disposing cancels what still runs; a partial download resumes next time. Nothing here logs: a task must not log
/// after it returned.
/// </summary>
internal sealed class BackgroundResolution : IDisposable
{
    private readonly CancellationTokenSource _cancel = new();
    private readonly ModelAssetSourceItems _sources;
    private readonly SemaphoreSlim _slots;
    private readonly Dictionary<string, Task<AssetResult>> _fetches = new(StringComparer.Ordinal);
    private readonly ProgressRelay _progress = new();

    public BackgroundResolution(AssetManager manager, ModelAssetSourceItems sources, IEnumerable<AssetInfo> assets, int maxConcurrentAssets)
    {
        _sources = sources;
        _slots = new SemaphoreSlim(Math.Max(1, maxConcurrentAssets));
        foreach (AssetInfo asset in assets)
        {
            if (!_fetches.ContainsKey(asset.Sha256))
            {
                _fetches[asset.Sha256] = Task.Run(() => FetchAsync(manager, asset));
            }
        }
    }

    /// <summary>The number of distinct assets being fetched.</summary>
    public int Count => _fetches.Count;

    /// <summary>
    /// The key under which a project's background resolution is registered: its obj/ state folder and its output folder
    /// (the target frameworks of one project share the first, not the second).
    /// </summary>
    public static string Key(string stampDirectory, string outputDirectory) => "ModelManifest.Build.BackgroundResolution|" + stampDirectory + "|" + outputDirectory;

    /// <summary>The fetch of <paramref name="asset"/>'s bytes, or <see langword="null"/> when none was started for them.</summary>
    public Task<AssetResult>? Find(AssetInfo asset) => _fetches.GetValueOrDefault(asset.Sha256);

    /// <summary>From now on, progress goes to <paramref name="progress"/> (the resolve target's reporter, which may log while it runs).</summary>
    public void Watch(IProgress<AssetProgress>? progress) => _progress.Target = progress;

    public void Dispose()
    {
        _progress.Target = null;
        _cancel.Cancel();
        try
        {
            // Give the cancelled transfers a moment to close their files; they stop at the next read either way.
            Task.WaitAll([.. _fetches.Values], TimeSpan.FromSeconds(10));
        }
        catch (AggregateException)
        {
            // Failures and cancellations were (or will never be) reported by the resolve target.
        }

        // The token source and the semaphore are left to the collector: a transfer that outlived the wait may still touch them.
        _sources.Dispose();
    }

    private async Task<AssetResult> FetchAsync(AssetManager manager, AssetInfo asset)
    {
        await _slots.WaitAsync(_cancel.Token).ConfigureAwait(false);
        try
        {
            return await manager.GetAsync(asset, _progress, _cancel.Token).ConfigureAwait(false);
        }
        finally
        {
            _slots.Release();
        }
    }

    /// <summary>Progress with nobody to tell until the resolve target starts waiting.</summary>
    private sealed class ProgressRelay : IProgress<AssetProgress>
    {
        private volatile IProgress<AssetProgress>? _target;

        public IProgress<AssetProgress>? Target
        {
            get => _target;
            set => _target = value;
        }

        public void Report(AssetProgress value) => _target?.Report(value);
    }
}
