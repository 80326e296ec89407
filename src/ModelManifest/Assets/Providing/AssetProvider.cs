using System.Collections.Concurrent;

namespace ModelManifest.Assets;

/// <summary>
/// The runtime face of the engine: "give me a local path for this asset". Bundled files are used in place with no
/// network; then the cache; otherwise one background download per asset, shared by every caller, that keeps running
/// when a caller stops waiting.
/// </summary>
public sealed class AssetProvider
{
    private readonly AssetManager _manager;
    private readonly BundledAssetSource? _bundle;
    private readonly ConcurrentDictionary<string, Download> _downloads = new(StringComparer.Ordinal);

    /// <summary>Creates a provider over <paramref name="manager"/>; <paramref name="bundle"/> files are returned in place.</summary>
    public AssetProvider(AssetManager manager, BundledAssetSource? bundle = null)
    {
        ArgumentNullException.ThrowIfNull(manager);
        _manager = manager;
        _bundle = bundle;
    }

    /// <summary>Returns a local path of the verified asset: bundled → cache → sources (downloading in the background).</summary>
    /// <param name="asset">The asset.</param>
    /// <param name="progress">Receives transfer progress while this caller waits.</param>
    /// <param name="cancellationToken">Stops this caller's wait; the shared download continues for others.</param>
    public async Task<string> GetAssetPathAsync(AssetInfo asset, IProgress<AssetProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        AssetValidator.Validate(asset);
        if (TryGetLocal(asset) is { } local)
        {
            return local;
        }

        var download = Start(asset);
        download.AddListener(progress);
        try
        {
            return (await download.Task.WaitAsync(cancellationToken).ConfigureAwait(false)).CachePath;
        }
        finally
        {
            download.RemoveListener(progress);
        }
    }

    /// <summary>Reports the asset's state without starting anything; asking any number of times never starts a download.</summary>
    public AssetStatus GetStatus(AssetInfo asset)
    {
        AssetValidator.Validate(asset);
        if (TryGetLocal(asset) is { } local)
        {
            return new AssetStatus(AssetState.Available, local, 1, null);
        }

        if (!_downloads.TryGetValue(asset.Sha256, out var download))
        {
            return new AssetStatus(AssetState.Missing, null, 0, null);
        }

        var task = download.Task;
        if (task.IsCompletedSuccessfully)
        {
            // The blob may have been pruned since; then the asset is simply missing again.
            return File.Exists(task.Result.CachePath)
                ? new AssetStatus(AssetState.Available, task.Result.CachePath, 1, null)
                : new AssetStatus(AssetState.Missing, null, 0, null);
        }

        if (task.IsFaulted)
        {
            var error = task.Exception!.InnerException as AssetException
                ?? new AssetException(AssetDiagnosticIds.TransportError, task.Exception.InnerException!.Message, asset.Key);
            return new AssetStatus(AssetState.Failed, null, 0, error);
        }

        return new AssetStatus(AssetState.Downloading, null, asset.Size == 0 ? 0 : (double)download.BytesDone / asset.Size, null);
    }

    /// <summary>Completes when every asset of <paramref name="model"/> is available locally.</summary>
    /// <param name="model">The model whose asset references to resolve.</param>
    /// <param name="assets">The assets of the manifest(s) the model comes from, looked up by key.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The local path of each referenced asset, by key.</returns>
    public async Task<IReadOnlyDictionary<AssetKey, string>> EnsureModelAsync(ModelInfo model, IEnumerable<AssetInfo> assets, CancellationToken cancellationToken = default)
    {
        var referenced = Referenced(model, assets);
        var paths = await Task.WhenAll(referenced.Select(a => GetAssetPathAsync(a, null, cancellationToken))).ConfigureAwait(false);
        return referenced.Zip(paths).ToDictionary(p => p.First.Key, p => p.Second);
    }

    /// <summary>
    /// Returns a folder holding every asset of <paramref name="model"/> under its manifest file name, for models made of
    /// files that find each other by name (ONNX external data, tokenizer + config + weights, GGUF splits). When the
    /// app's bundle has all of them in one folder, that folder; otherwise the model version's snapshot folder in the
    /// cache (<c>snapshots/&lt;model-id&gt;/&lt;version&gt;</c>, its files linked to the verified blobs), fetched, created or repaired
    /// as needed. The folder appears complete or not at all; treat it as read-only.
    /// </summary>
    /// <param name="model">The model version.</param>
    /// <param name="assets">The assets of the manifest(s) the model comes from, looked up by key.</param>
    /// <param name="cancellationToken">Stops waiting; shared downloads continue for others.</param>
    /// <exception cref="AssetException">An asset could not be provided, or two files of the model share a name (<see cref="AssetDiagnosticIds.MaterializeFailed"/>).</exception>
    public async Task<string> GetModelDirectoryAsync(ModelInfo model, IEnumerable<AssetInfo> assets, CancellationToken cancellationToken = default)
    {
        var referenced = Referenced(model, assets);
        var clash = referenced.GroupBy(a => a.FileName, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Select(a => a.Sha256).Distinct().Count() > 1);
        if (clash is not null)
        {
            throw new AssetException(AssetDiagnosticIds.MaterializeFailed,
                $"Model '{model.Id}' {model.Version} has different files named '{clash.Key}' ({string.Join(", ", clash.Select(a => a.Key))}); one folder cannot hold them under their names.");
        }

        if (_bundle?.TryGetModelDirectory(referenced) is { } bundled)
        {
            return bundled;
        }

        var blobs = await Task.WhenAll(referenced.Select(a => GetCachePathAsync(a, cancellationToken))).ConfigureAwait(false);
        var files = referenced.Zip(blobs)
            .Select(p => new SnapshotFile(p.First.FileName, p.First.Sha256, p.Second))
            .DistinctBy(f => f.FileName, StringComparer.OrdinalIgnoreCase)
            .ToList();
        return _manager.Cache.EnsureSnapshot(model.Id, model.Version, files);
    }

    /// <summary>The distinct assets <paramref name="model"/> references; MM1001 naming those no manifest describes.</summary>
    private static List<AssetInfo> Referenced(ModelInfo model, IEnumerable<AssetInfo> assets)
    {
        ArgumentNullException.ThrowIfNull(model);
        var byKey = assets.ToDictionary(a => a.Key);
        var missing = model.Assets.Where(r => !byKey.ContainsKey(r.Key)).Select(r => r.Key.ToString()).ToList();
        if (missing.Count > 0)
        {
            throw new AssetException(AssetDiagnosticIds.NotFoundInAnySource, $"Model '{model.Id}' {model.Version} references assets no manifest describes: {string.Join(", ", missing)}.");
        }

        return model.Assets.Select(r => r.Key).Distinct().Select(k => byKey[k]).ToList();
    }

    /// <summary>The verified blob in the cache (never the bundled file): the cache, else the shared background download.</summary>
    private async Task<string> GetCachePathAsync(AssetInfo asset, CancellationToken cancellationToken)
    {
        AssetValidator.Validate(asset);
        if (_manager.Cache.TryGet(asset.Sha256, asset.Size, out var cached))
        {
            return cached;
        }

        return (await Start(asset).Task.WaitAsync(cancellationToken).ConfigureAwait(false)).CachePath;
    }

    private string? TryGetLocal(AssetInfo asset) =>
        _bundle?.TryGetPath(asset) ?? (_manager.Cache.TryGet(asset.Sha256, asset.Size, out var cached) ? cached : null);

    private Download Start(AssetInfo asset)
    {
        while (true)
        {
            var download = _downloads.GetOrAdd(asset.Sha256, _ => new Download());
            if (download.TryStart(() => _manager.GetAsync(asset, download, CancellationToken.None)))
            {
                return download;
            }

            if (!download.Task.IsCompleted)
            {
                return download;
            }

            // The previous attempt failed, or succeeded but the file is gone from the cache: start afresh.
            _downloads.TryUpdate(asset.Sha256, new Download(), download);
        }
    }

    /// <summary>One background download and who listens to it.</summary>
    private sealed class Download : IProgress<AssetProgress>
    {
        private readonly List<IProgress<AssetProgress>> _listeners = new();
        private long _bytesDone;
        private Task<AssetResult>? _task;

        public Task<AssetResult> Task => _task!;

        public long BytesDone => Interlocked.Read(ref _bytesDone);

        public bool TryStart(Func<Task<AssetResult>> start)
        {
            lock (_listeners)
            {
                if (_task is not null)
                {
                    return false;
                }

                _task = System.Threading.Tasks.Task.Run(start);
                return true;
            }
        }

        public void AddListener(IProgress<AssetProgress>? listener)
        {
            if (listener is not null)
            {
                lock (_listeners)
                {
                    _listeners.Add(listener);
                }
            }
        }

        public void RemoveListener(IProgress<AssetProgress>? listener)
        {
            if (listener is not null)
            {
                lock (_listeners)
                {
                    _listeners.Remove(listener);
                }
            }
        }

        public void Report(AssetProgress value)
        {
            Interlocked.Exchange(ref _bytesDone, value.BytesDone);
            IProgress<AssetProgress>[] listeners;
            lock (_listeners)
            {
                listeners = _listeners.ToArray();
            }

            foreach (var listener in listeners)
            {
                listener.Report(value);
            }
        }
    }
}
