using System.Diagnostics;
using Microsoft.Extensions.Logging;
using ModelManifest.Telemetry;

namespace ModelManifest.Assets;

/// <summary>
/// The process-local asset engine: an ordered list of sources in front of the shared cache. No daemon; other
/// processes may use the same cache at the same time.
/// </summary>
/// <remarks>
/// Sources are asked in priority order — lower number first, equal priorities in registration order. A source
/// that says "not here", fails to transfer, or delivers bytes that do not hash to the manifest's sha256 is recorded
/// and the next one is asked. Concurrent requests for the same content inside one process share one download.
/// </remarks>
public sealed class AssetManager
{
    private readonly object _gate = new();
    private readonly List<(IAssetSource Source, int Priority, int Order)> _sources = new();
    private readonly Dictionary<string, Flight> _flights = new(StringComparer.Ordinal);
    private readonly AssetManagerOptions _options;
    private readonly CacheWriter _writer;
    private readonly AssetMaterializer _materializer = new();
    private readonly AssetTelemetry _telemetry;
    private IAssetSource[] _ordered = Array.Empty<IAssetSource>();

    /// <summary>Creates a manager over <paramref name="cache"/> (default: <see cref="AssetCache.OpenDefault"/>).</summary>
    public AssetManager(AssetCache? cache = null, AssetManagerOptions? options = null)
    {
        Cache = cache ?? AssetCache.OpenDefault();
        _options = options ?? new AssetManagerOptions();
        _writer = new CacheWriter(Cache, _options);
        if (Cache.SecurityWarning is { } warning)
        {
            _options.Logger.LogWarning("{Warning}", warning);
        }
        _telemetry = AssetTelemetry.Create(_options.MeterFactory);
    }

    /// <summary>The cache this manager fills.</summary>
    public AssetCache Cache { get; }

    /// <summary>Whether the hard offline switch is on.</summary>
    public bool IsOffline => _options.Offline;

    /// <summary>The sources in the order they are asked.</summary>
    public IReadOnlyList<IAssetSource> Sources => Volatile.Read(ref _ordered);

    /// <summary>Registers a source. Lower <paramref name="priority"/> is asked first; ties keep registration order.</summary>
    public AssetManager AddSource(IAssetSource source, int priority = 0)
    {
        ArgumentNullException.ThrowIfNull(source);
        lock (_gate)
        {
            _sources.Add((source, priority, _sources.Count));
            Volatile.Write(ref _ordered, _sources.OrderBy(s => s.Priority).ThenBy(s => s.Order).Select(s => s.Source).ToArray());
        }

        return this;
    }

    /// <summary>The fast check (no hashing, no network): whether the asset is in the cache and intact.</summary>
    public bool IsCached(AssetInfo asset)
    {
        AssetValidator.Validate(asset);
        return Cache.TryGet(asset.Sha256, asset.Size, out _);
    }

    /// <summary>
    /// Returns the verified cache path of <paramref name="asset"/>, fetching it from the first source that can
    /// deliver it. Throws <see cref="AssetException"/> listing every source when none could.
    /// </summary>
    /// <param name="asset">The asset to provide.</param>
    /// <param name="progress">Receives bytes done / total while transferring.</param>
    /// <param name="cancellationToken">Stops waiting; the shared download stops when every waiter has cancelled.</param>
    public async Task<AssetResult> GetAsync(AssetInfo asset, IProgress<AssetProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        AssetValidator.Validate(asset);
        long started = Stopwatch.GetTimestamp();
        using Activity? activity = AssetTelemetry.Activities.StartActivity(AssetTelemetry.ResolveActivity);
        activity?.SetTag(AssetTelemetry.AssetIdTag, asset.Key.ToString());
        activity?.SetTag(AssetTelemetry.Sha256Tag, asset.Sha256);
        try
        {
            AssetResult result = await ResolveAsync(asset, progress, cancellationToken).ConfigureAwait(false);
            RecordResolve(result.SourceName is null ? AssetTelemetry.Cached : AssetTelemetry.Served, result.SourceName ?? AssetTelemetry.CacheSource, started, activity);
            return result;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            RecordResolve(AssetTelemetry.Cancelled, null, started, activity);
            throw;
        }
        catch (Exception e)
        {
            RecordResolve(AssetTelemetry.Failed, null, started, activity);
            activity?.SetStatus(ActivityStatusCode.Error, (e as AssetException)?.Code ?? e.GetType().Name);
            throw;
        }
    }

    private async Task<AssetResult> ResolveAsync(AssetInfo asset, IProgress<AssetProgress>? progress, CancellationToken cancellationToken)
    {
        if (Cache.TryGet(asset.Sha256, asset.Size, out var cached))
        {
            return new AssetResult(asset.Key, cached, null, Array.Empty<SourceAttempt>());
        }

        var flight = Join(asset, progress);
        try
        {
            var result = await flight.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            return result with { Asset = asset.Key };
        }
        finally
        {
            Leave(flight, progress);
        }
    }

    /// <summary>One request's metrics and span tags: a cache hit or miss, and how long the answer took.</summary>
    private void RecordResolve(string outcome, string? source, long started, Activity? activity)
    {
        (outcome == AssetTelemetry.Cached ? _telemetry.CacheHits : _telemetry.CacheMisses).Add(1);
        var tags = new TagList { { AssetTelemetry.OutcomeTag, outcome } };
        if (source is not null)
        {
            tags.Add(AssetTelemetry.SourceTag, source);
            activity?.SetTag(AssetTelemetry.SourceTag, source);
        }

        _telemetry.ResolveDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, tags);
        activity?.SetTag(AssetTelemetry.OutcomeTag, outcome);
    }

    /// <summary>Gets the asset and places it into <paramref name="targetDirectory"/> under its file name.</summary>
    public async Task<MaterializedAsset> MaterializeAsync(AssetInfo asset, string targetDirectory, LinkMode mode = LinkMode.Auto, IProgress<AssetProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var result = await GetAsync(asset, progress, cancellationToken).ConfigureAwait(false);
        var (path, used) = _materializer.Materialize(result.CachePath, targetDirectory, asset.FileName, mode);
        if (used == LinkMode.Hardlink)
        {
            Cache.RestampAfterLink(asset.Sha256); // a new link moves the blob's ctime, not its bytes
        }

        return new MaterializedAsset(result, path, used);
    }

    private Flight Join(AssetInfo asset, IProgress<AssetProgress>? progress)
    {
        lock (_gate)
        {
            if (!_flights.TryGetValue(asset.Sha256, out var flight))
            {
                flight = new Flight(asset.Key, asset.Sha256);
                _flights[asset.Sha256] = flight;
                flight.Task = Task.Run(() => FetchAsync(asset, flight));
                flight.Task.ContinueWith(_ => Forget(asset.Sha256, flight), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }

            flight.Waiters++;
            if (progress is not null)
            {
                lock (flight.Listeners)
                {
                    flight.Listeners.Add(progress);
                }
            }

            return flight;
        }
    }

    private void Leave(Flight flight, IProgress<AssetProgress>? progress)
    {
        lock (_gate)
        {
            if (progress is not null)
            {
                lock (flight.Listeners)
                {
                    flight.Listeners.Remove(progress);
                }
            }

            if (--flight.Waiters == 0 && !flight.Task.IsCompleted)
            {
                // Nobody waits any more: stop the transfer (the partial file stays for the next attempt).
                flight.Cancellation.Cancel();
                Forget(flight.Sha256Key, flight);
            }
        }
    }

    private void Forget(string sha256, Flight flight)
    {
        lock (_gate)
        {
            if (_flights.TryGetValue(sha256, out var current) && ReferenceEquals(current, flight))
            {
                _flights.Remove(sha256);
            }
        }
    }

    private async Task<AssetResult> FetchAsync(AssetInfo asset, Flight flight)
    {
        var cancellationToken = flight.Cancellation.Token;
        if (await TryGetVerifiedAsync(asset, cancellationToken).ConfigureAwait(false) is { } cached)
        {
            return new AssetResult(asset.Key, cached, null, Array.Empty<SourceAttempt>());
        }

        var attempts = new List<SourceAttempt>();
        var candidates = new List<IAssetSource>();
        foreach (var source in Sources)
        {
            if (IsOffline && source.RequiresNetwork)
            {
                attempts.Add(new SourceAttempt(source.Name, AssetDiagnosticIds.OfflineNotAvailable, "skipped: offline mode."));
            }
            else
            {
                candidates.Add(source);
            }
        }

        if (candidates.Count == 0)
        {
            throw NotProvided(asset, attempts);
        }

        var (held, found) = await AcquireOrWaitAsync(asset, cancellationToken).ConfigureAwait(false);
        if (found is not null)
        {
            return new AssetResult(asset.Key, found, null, Array.Empty<SourceAttempt>());
        }

        using (held)
        {
            foreach (var source in candidates)
            {
                try
                {
                    var availability = await source.ProbeAsync(asset, cancellationToken).ConfigureAwait(false);
                    if (!availability.IsAvailable)
                    {
                        attempts.Add(new SourceAttempt(source.Name, AssetDiagnosticIds.NotInSource, availability.Reason ?? "does not have it."));
                        continue;
                    }

                    if (availability.Size is { } size && size != asset.Size)
                    {
                        attempts.Add(new SourceAttempt(source.Name, AssetDiagnosticIds.SizeMismatch, $"has {size} bytes, the manifest says {asset.Size}."));
                        continue;
                    }

                    var path = await _writer.WriteAsync(asset, source, held is not null, done => flight.Report(source.Name, done, asset.Size), cancellationToken).ConfigureAwait(false);
                    _options.Log($"{asset.Key}: served by {source.Name}.");
                    var kind = new KeyValuePair<string, object?>(AssetTelemetry.SourceKindTag, AssetTelemetry.KindOf(source));
                    _telemetry.Bytes.Add(asset.Size, kind);
                    _telemetry.ServedAssets.Add(1, kind, new KeyValuePair<string, object?>(AssetTelemetry.SourceTag, source.Name));
                    return new AssetResult(asset.Key, path, source.Name, attempts.ToArray());
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    throw;
                }
                catch (AssetSourceException e)
                {
                    attempts.Add(new SourceAttempt(source.Name, e.Code, e.Message));
                }
                catch (Exception e) when (e is not AssetException)
                {
                    attempts.Add(new SourceAttempt(source.Name, AssetDiagnosticIds.TransportError, $"{e.GetType().Name}: {e.Message}"));
                }

                _options.Log($"{asset.Key}: {attempts[^1]}");
            }
        }

        throw NotProvided(asset, attempts);
    }

    /// <summary>Where sources are declared, for the errors of a manager that has none to fetch from.</summary>
    private const string DeclareSourcesHint =
        "Declare a source where it is needed: a <ModelAssetSource Include=\"…\" /> item in the app or in a library it references (the build records them for the app's runtime), --source on the CLI, or at run time ModelManifestOptions.AddSource or the ModelManifest:HttpSources configuration section (see docs/sources.md)";

    private AssetException NotProvided(AssetInfo asset, List<SourceAttempt> attempts)
    {
        var code = IsOffline ? AssetDiagnosticIds.OfflineNotAvailable : attempts.Count == 0 ? AssetDiagnosticIds.NoSources : AssetDiagnosticIds.NotFoundInAnySource;
        var why = IsOffline ? "is not cached and no local source has it (offline mode)" : attempts.Count == 0 ? "cannot be fetched: no sources are registered. " + DeclareSourcesHint : "could not be provided by any source";
        if (code == AssetDiagnosticIds.NotFoundInAnySource && !Sources.Any(s => s.RequiresNetwork))
        {
            why += ". Only local sources were asked. " + DeclareSourcesHint; // a cold cache with nothing to fetch from
        }

        return new AssetException(code, $"Asset '{asset.Key}' ({asset.FileName}, {asset.Size} bytes, sha256 {asset.Sha256}) {why}.", asset.Key, attempts.ToArray());
    }

    /// <summary>
    /// The cached blob's path, or null: the fast check, else (something moved since the blob was stamped) a rehash. The
    /// rehash's verdict is final: asking the fast check again would race with another process hardlinking the blob
    /// (which moves its ctime once more) and send us to download, and replace, a blob that is fine.
    /// </summary>
    private async Task<string?> TryGetVerifiedAsync(AssetInfo asset, CancellationToken cancellationToken)
    {
        if (Cache.TryGet(asset.Sha256, asset.Size, out var cached))
        {
            return cached; // the hot path: one stat and one stamp read
        }

        // Missing comes back at once; anything else at the blob's name is rehashed.
        switch (await Cache.VerifyAsync(asset.Sha256, cancellationToken).ConfigureAwait(false))
        {
            case CacheBlobState.Intact:
                return Cache.GetBlobPath(asset.Sha256);
            case CacheBlobState.Corrupt:
                _options.Log($"{AssetDiagnosticIds.CacheCorrupt}: cached blob of '{asset.Key}' changed on disk; removed, fetching again.");
                break;
        }

        return null;
    }

    /// <summary>
    /// Takes the digest's lock, or waits while another process holds it and its partial file grows. Returns the
    /// cache path instead when that process finishes, and neither when the holder stalls (then we go on unlocked).
    /// </summary>
    private async Task<(CacheLock? Lock, string? Cached)> AcquireOrWaitAsync(AssetInfo asset, CancellationToken cancellationToken)
    {
        var lockPath = Cache.LockPath(asset.Sha256);
        var stall = Stopwatch.StartNew();
        long lastLength = -1;
        var delay = TimeSpan.FromMilliseconds(10);
        var announced = false;
        while (true)
        {
            var held = CacheLock.TryAcquire(lockPath, out var locksUnavailable);
            if (held is null && locksUnavailable)
            {
                // A lock file that cannot be opened (read-only cache, another user's lock) is not a holder: do not wait for one.
                _options.Log?.Invoke($"{asset.Key}: the lock file cannot be opened; fetching without a lock.");
                return Cache.TryGet(asset.Sha256, asset.Size, out var ready) ? (null, ready) : (null, null);
            }

            if (held is not null)
            {
                if (await TryGetVerifiedAsync(asset, cancellationToken).ConfigureAwait(false) is { } done)
                {
                    held.Dispose();
                    return (null, done);
                }

                return (held, null);
            }

            if (Cache.TryGet(asset.Sha256, asset.Size, out var cached))
            {
                return (null, cached);
            }

            if (!announced)
            {
                announced = true;
                _options.Log($"{asset.Key}: another process is fetching it; waiting.");
            }

            var length = Cache.InProgressBytes(asset.Sha256);
            if (length != lastLength)
            {
                lastLength = length;
                stall.Restart();
            }
            else if (stall.Elapsed > _options.LockStallTimeout)
            {
                _options.Log($"{asset.Key}: the process holding the lock made no progress for {_options.LockStallTimeout.TotalSeconds:0} s; fetching independently.");
                return (null, null);
            }

            await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 200));
        }
    }

    /// <summary>One in-process download shared by every caller asking for the same content.</summary>
    private sealed class Flight
    {
        public Flight(AssetKey key, string sha256)
        {
            Key = key;
            Sha256Key = sha256;
        }

        public AssetKey Key { get; }

        public string Sha256Key { get; }

        public Task<AssetResult> Task { get; set; } = null!;

        public CancellationTokenSource Cancellation { get; } = new();

        public int Waiters { get; set; }

        public List<IProgress<AssetProgress>> Listeners { get; } = new();

        public void Report(string source, long done, long total)
        {
            IProgress<AssetProgress>[] listeners;
            lock (Listeners)
            {
                listeners = Listeners.ToArray();
            }

            foreach (var listener in listeners)
            {
                listener.Report(new AssetProgress(Key, source, done, total));
            }
        }
    }
}
