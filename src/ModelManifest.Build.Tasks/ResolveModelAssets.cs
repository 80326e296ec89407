using Microsoft.Build.Framework;
using ModelManifest.Assets;
using MSBuildTask = Microsoft.Build.Utilities.Task;

namespace ModelManifest.Build.Tasks;

/// <summary>
/// The build's adapter over the asset engine: reads the project's manifests, resolves every asset to bundle
/// through the configured sources into the shared cache, and materializes them into the output folder.
/// All resolution logic lives in the engine; this class maps MSBuild items in and log lines/items out.
/// A no-op build is decided per asset from a stamp in obj/ (named by the expected sha256) that records the bundled
/// file's identity (see <see cref="BuildStamp"/>): nothing is hashed and no connection is opened.
/// </summary>
public sealed class ResolveModelAssets : MSBuildTask, ICancelableTask
{
    private readonly CancellationTokenSource _cancel = new();

    /// <summary>The <c>ModelManifest</c> items (full paths).</summary>
    [Required]
    public ITaskItem[] Manifests { get; set; } = [];

    /// <summary>The <c>ModelAssetSource</c> items.</summary>
    public ITaskItem[] Sources { get; set; } = [];

    /// <summary>The <c>ModelBundle</c> items; empty means every asset a model references.</summary>
    public ITaskItem[] Bundle { get; set; } = [];

    /// <summary><c>$(ModelAssetCacheRoot)</c>; empty uses MODELMANIFEST_CACHE, XDG_CACHE_HOME or ~/.cache.</summary>
    public string? CacheRoot { get; set; }

    /// <summary>
    /// <c>$(ModelAssetsOffline)</c> (true/false; the targets also turn it on for MODELMANIFEST_OFFLINE=1 or HF_HUB_OFFLINE=1): no connection
    /// is opened; a missing asset is an error. A string, so that a bad value is an MM1103 that names the property.
    /// </summary>
    public string Offline { get; set; } = string.Empty;

    /// <summary><c>$(ModelAssetLinkMode)</c>: Auto, ReflinkOrCopy, Reflink, Hardlink or Copy.</summary>
    public string LinkMode { get; set; } = "Auto";

    /// <summary><c>$(ModelAssetVerify)</c>: Fast (file identities) or Full (also rehash cached blobs and bundled files).</summary>
    public string Verify { get; set; } = "Fast";

    /// <summary><c>$(ModelAssetUseUrlHints)</c>: also try the manifests' <c>urls</c>, after every configured source.</summary>
    public string UseUrlHints { get; set; } = string.Empty;

    /// <summary><c>$(ModelAssetUseLocalCaches)</c>: ask the Hugging Face cache and Ollama's store first (default true).</summary>
    public string UseLocalCaches { get; set; } = string.Empty;

    /// <summary><c>$(ModelAssetMaxConcurrentAssets)</c>: how many assets are fetched at once (default 8).</summary>
    public string MaxConcurrentAssets { get; set; } = string.Empty;

    /// <summary><c>$(ModelAssetMaxConnectionsPerAsset)</c>: the most connections one large asset is fetched over (default 8).</summary>
    public string MaxConnectionsPerAsset { get; set; } = string.Empty;

    /// <summary><c>$(ModelAssetMinSplitSize)</c>: assets smaller than this many bytes are fetched as one stream (default 64 MiB).</summary>
    public string MinSplitSize { get; set; } = string.Empty;

    /// <summary>The output folder (full path): the bundle index is written here.</summary>
    [Required]
    public string OutputDirectory { get; set; } = string.Empty;

    /// <summary><c>$(ModelAssetBundleDirectory)</c>, relative to <see cref="OutputDirectory"/>.</summary>
    public string BundleDirectory { get; set; } = "models";

    /// <summary>
    /// Only start fetching the assets that are not in place, in the background, and return (see
    /// <see cref="BackgroundResolution"/>): the early target's mode, so the download overlaps compilation. The resolve
    /// target then runs the task again without it, to wait, place the files and report.
    /// </summary>
    public bool StartInBackground { get; set; }

    /// <summary>Folder in obj/ for the per-asset stamps.</summary>
    [Required]
    public string StampDirectory { get; set; } = string.Empty;

    /// <summary>Bundled files with <c>RelativePath</c> (to the output folder), <c>AssetId</c>, <c>AssetTag</c>, <c>Sha256</c>.</summary>
    [Output]
    public ITaskItem[] BundledFiles { get; private set; } = [];

    /// <summary>The bundle index written next to the app, or empty when nothing is bundled.</summary>
    [Output]
    public string IndexFile { get; private set; } = string.Empty;

    /// <summary>The source list written for the runtime (<c>modelmanifest.sources.json</c>), or empty when no location source is declared.</summary>
    [Output]
    public string SourcesFile { get; private set; } = string.Empty;

    /// <summary>The clock of progress lines and rates (a fake one in unit tests).</summary>
    internal TimeProvider Time { get; set; } = TimeProvider.System;

    private BuildLog BuildLog => new(Log);

    /// <inheritdoc/>
    public void Cancel() => _cancel.Cancel();

    /// <inheritdoc/>
    public override bool Execute()
    {
        if (StartInBackground)
        {
            StartBackground();
            return true;
        }

        var log = BuildLog;
        try
        {
            var settings = BuildSettings.Read(this, log);
            return settings is not null && ExecuteAsync(settings, log, _cancel.Token).GetAwaiter().GetResult();
        }
        catch (OperationCanceledException) when (_cancel.IsCancellationRequested)
        {
            log.Warning(BuildDiagnosticIds.Canceled, "Model asset resolution was canceled; the cache is left consistent (partial downloads resume next time).");
            return false;
        }
        catch (BuildConfigurationException e)
        {
            log.Error(e.Code, e.Message, new BuildLocation(e.File));
            return false;
        }
    }

    /// <summary>
    /// Starts the background fetches and registers them for the resolve target. Silent and never failing: every problem
    /// (a bad manifest or setting, an engine that cannot hold task objects) is left to the resolve target, which reports it.
    /// </summary>
    private void StartBackground()
    {
        if (BuildEngine is not IBuildEngine4 engine)
        {
            return;
        }

        var silent = new Microsoft.Build.Utilities.TaskLoggingHelper(new ConsoleBuildEngine(TextWriter.Null), nameof(ResolveModelAssets));
        var log = new BuildLog(silent);
        ModelAssetSourceItems? sources = null;
        try
        {
            var settings = BuildSettings.Read(this, log);
            var plan = settings is null || settings.Offline ? null : BundlePlan.Create(Manifests.Select(m => m.GetMetadata("FullPath")).ToList(), Bundle, BundleDirectory, log);
            var pending = plan?.Assets.Where(p => !BuildStamp.IsCurrent(StampDirectory, p, OutputDirectory, out _)).Select(p => p.Asset).ToList();
            if (settings is null || plan is null || pending is null || pending.Count == 0 || silent.HasLoggedErrors)
            {
                return;
            }

            var (_, manager) = CreateManager(settings, plan, silent, out sources);
            var background = new BackgroundResolution(manager, sources, pending, settings.Transfer.MaxConcurrentAssets);
            sources = null; // owned by the background resolution now
            engine.RegisterTaskObject(BackgroundResolution.Key(StampDirectory, OutputDirectory), background, RegisteredTaskObjectLifetime.Build, allowEarlyCollection: false);
            Log.LogMessage(MessageImportance.Normal, $"Model assets: fetching {background.Count} in the background while the project compiles.");
        }
        catch (Exception e) when (e is AssetException or BuildConfigurationException or IOException or UnauthorizedAccessException or ArgumentException or InvalidOperationException)
        {
            sources?.Dispose(); // the resolve target does it all, and reports what went wrong
        }
    }

    /// <summary>
    /// The cache and the engine over the <c>ModelAssetSource</c> items (local caches first), as both modes use them;
    /// the engine's messages go to <paramref name="log"/>. The caller owns <paramref name="sources"/>.
    /// </summary>
    private (AssetCache Cache, AssetManager Manager) CreateManager(BuildSettings settings, BundlePlan plan, Microsoft.Build.Utilities.TaskLoggingHelper log, out ModelAssetSourceItems sources)
    {
        var cache = string.IsNullOrWhiteSpace(CacheRoot) ? AssetCache.OpenDefault() : new AssetCache(Path.GetFullPath(CacheRoot));
        sources = ModelAssetSourceItems.Create(Sources, settings.UseUrlHints && !settings.Offline, plan.HasUrlHints, log);
        var manager = new AssetManager(cache, new AssetManagerOptions
        {
            Offline = settings.Offline,
            Logger = new TaskLogger(log),
            Transfer = settings.Transfer,
        });
        LocalCaches.AddTo(manager, settings.UseLocalCaches);
        foreach (var (source, priority) in sources.Sources)
        {
            manager.AddSource(source, priority);
        }

        return (cache, manager);
    }

    /// <summary>The fetches the early target started for this project, taken out of MSBuild's keeping, or <see langword="null"/>.</summary>
    private BackgroundResolution? TakeBackground() =>
        BuildEngine is IBuildEngine4 engine
            ? engine.UnregisterTaskObject(BackgroundResolution.Key(StampDirectory, OutputDirectory), RegisteredTaskObjectLifetime.Build) as BackgroundResolution
            : null;

    private async Task<bool> ExecuteAsync(BuildSettings settings, BuildLog log, CancellationToken cancellationToken)
    {
        using var background = TakeBackground();
        var plan = BundlePlan.Create(Manifests.Select(m => m.GetMetadata("FullPath")).ToList(), Bundle, BundleDirectory, log);
        if (plan is null)
        {
            return false; // manifest errors were logged with their locations
        }

        if (plan.Assets.Count == 0)
        {
            log.Message(MessageImportance.Low, "Model assets: the manifests and ModelBundle items select no asset; nothing to bundle.");
        }

        var entries = new List<BundleIndexEntry>();
        var outputs = new List<ITaskItem>();
        var pending = new List<PlannedAsset>();
        var identities = new Dictionary<PlannedAsset, string?>();
        foreach (PlannedAsset planned in plan.Assets)
        {
            if (!BuildStamp.IsCurrent(StampDirectory, planned, OutputDirectory, out string? identity))
            {
                pending.Add(planned);
            }
            else if (settings.FullVerify && !await BundledFileHashMatchesAsync(planned, log, cancellationToken).ConfigureAwait(false))
            {
                pending.Add(planned);
            }
            else
            {
                identities[planned] = identity;
                log.Message(MessageImportance.Low, $"Model asset {planned.Asset.Key}: up to date ({planned.RelativePath}).");
            }
        }

        if (pending.Count > 0 && !await ResolvePendingAsync(pending, plan, settings, background, log, cancellationToken).ConfigureAwait(false))
        {
            return false;
        }

        // Stamps are written once every file is placed: placing a later asset by hardlink to the same blob moves the
        // ctime of an earlier one, and a stamp recorded before that would never match again.
        foreach (PlannedAsset planned in pending)
        {
            identities[planned] = BuildStamp.Write(StampDirectory, planned, OutputDirectory);
        }

        foreach (PlannedAsset planned in plan.Assets)
        {
            entries.Add(new BundleIndexEntry
            {
                Id = planned.Asset.Id,
                Tag = planned.Asset.Tag,
                Sha256 = planned.Asset.Sha256,
                Size = planned.Asset.Size,
                Path = planned.RelativePath,
                Identity = identities.GetValueOrDefault(planned),
            });
            var item = new Microsoft.Build.Utilities.TaskItem(Path.Combine(OutputDirectory, planned.RelativePath));
            item.SetMetadata("RelativePath", planned.RelativePath);
            item.SetMetadata("AssetId", planned.Asset.Id);
            item.SetMetadata("AssetTag", planned.Asset.Tag ?? string.Empty);
            item.SetMetadata("Sha256", planned.Asset.Sha256);
            outputs.Add(item);
        }

        BundledFiles = [.. outputs];
        if (entries.Count > 0)
        {
            IndexFile = Path.Combine(OutputDirectory, BundleIndex.FileName);
            BuildStamp.WriteIfChanged(IndexFile, new BundleIndex { Assets = entries });
        }

        // The runtime asks the same sources as the build without declaring them twice (docs/sources.md).
        BuildSources recorded = ModelAssetSourceItems.Record(Sources, Log);
        if (recorded.Sources.Count > 0)
        {
            Directory.CreateDirectory(OutputDirectory);
            SourcesFile = Path.Combine(OutputDirectory, BuildSources.FileName);
            recorded.SaveIfChanged(SourcesFile);
        }

        return !log.HasLoggedErrors;
    }

    private async Task<bool> ResolvePendingAsync(List<PlannedAsset> pending, BundlePlan plan, BuildSettings settings, BackgroundResolution? background, BuildLog log, CancellationToken cancellationToken)
    {
        var (cache, manager) = CreateManager(settings, plan, Log, out var ownedSources);
        using var sources = ownedSources;
        var progress = new BuildProgressReporter(log, Time);
        background?.Watch(progress);
        bool ok = true;
        long started = Time.GetTimestamp();
        long downloaded = 0;
        await Parallel.ForEachAsync(pending, new ParallelOptions { MaxDegreeOfParallelism = settings.Transfer.MaxConcurrentAssets, CancellationToken = cancellationToken },
            async (planned, token) =>
            {
                try
                {
                    progress.Started(planned);
                    if (settings.FullVerify && cache.TryGet(planned.Asset.Sha256, planned.Asset.Size, out _))
                    {
                        CacheBlobState state = await cache.VerifyAsync(planned.Asset.Sha256, token).ConfigureAwait(false);
                        log.Message(MessageImportance.Low, $"Model asset {planned.Asset.Key}: full verify of the cached blob: {state}.");
                    }

                    // Started while the project compiled: its failure is this asset's error, with the sources it asked.
                    AssetResult? early = background?.Find(planned.Asset) is { } fetch ? await fetch.WaitAsync(token).ConfigureAwait(false) : null;
                    string targetDirectory = Path.GetDirectoryName(Path.Combine(OutputDirectory, planned.RelativePath))!;
                    MaterializedAsset result = await manager.MaterializeAsync(planned.Asset, targetDirectory, settings.LinkMode, progress, token).ConfigureAwait(false);
                    AssetResult fetched = early ?? result.Asset;
                    string from = fetched.SourceName is null ? "the cache" : fetched.SourceName + (early is null ? string.Empty : " (started before compilation)");
                    if (fetched.SourceName is not null)
                    {
                        Interlocked.Add(ref downloaded, planned.Asset.Size);
                    }

                    log.Message(MessageImportance.High, $"Model asset {planned.Asset.Key} ({planned.Asset.FileName}, {Megabytes(planned.Asset.Size)}): from {from}, {result.Mode.ToString().ToLowerInvariant()} into {planned.RelativePath}{progress.Finished(planned.Asset.Key)}");
                    ReportSkippedSources(planned, fetched.Attempts, log);
                }
                catch (AssetException e)
                {
                    ok = false;
                    LogAssetError(planned, e, log);
                }
                catch (IOException e) when (BuildDiagnosticIds.IsDiskFull(e))
                {
                    ok = false;
                    log.Error(BuildDiagnosticIds.DiskFull,
                        $"Model asset {planned.Asset.Key} ({Megabytes(planned.Asset.Size)}): the disk is full (cache {cache.Root}, output {OutputDirectory}). Free space or set ModelAssetCacheRoot.",
                        planned.Location);
                }
            }).ConfigureAwait(false);

        log.Message(MessageImportance.High, $"Model assets: {pending.Count} resolved{(ok ? string.Empty : " (some failed)")}, {BuildProgressReporter.Summary(downloaded, Time.GetElapsedTime(started))}, up to {settings.Transfer.MaxConcurrentAssets} at once.");
        return ok;
    }

    /// <summary>
    /// A source that failed for an asset another source then served is worth a warning (MM1105); a network source left
    /// out because the build is offline is what offline means, so it is only a low-importance message.
    /// </summary>
    private static void ReportSkippedSources(PlannedAsset planned, IReadOnlyList<SourceAttempt> attempts, BuildLog log)
    {
        foreach (SourceAttempt skipped in attempts.Where(a => a.Code is not null && a.Code != AssetDiagnosticIds.NotInSource))
        {
            if (skipped.Code == AssetDiagnosticIds.OfflineNotAvailable)
            {
                log.Message(MessageImportance.Low, $"Model asset {planned.Asset.Key}: {skipped.SourceName} not asked (offline).");
            }
            else
            {
                log.Warning(BuildDiagnosticIds.SourceSkipped, $"Model asset {planned.Asset.Key}: source skipped: {skipped}", planned.Location);
            }
        }
    }

    private static void LogAssetError(PlannedAsset planned, AssetException e, BuildLog log)
    {
        var lines = new System.Text.StringBuilder();
        lines.Append("Model asset ").Append(planned.Asset.Key).Append(" (").Append(planned.Asset.FileName).Append("): ").Append(e.Reason);
        if (e.Attempts.Count > 0)
        {
            lines.Append(" Sources asked, in priority order:");
            foreach (SourceAttempt attempt in e.Attempts)
            {
                lines.Append(Environment.NewLine).Append("  - ").Append(attempt);
            }
        }

        // The engine's disk-full (MM1013) is the build's documented MM1106: one id per failure users look up.
        log.Error(e.Code == AssetDiagnosticIds.DiskFull ? BuildDiagnosticIds.DiskFull : e.Code, lines.ToString(), planned.Location);
    }

    /// <summary>
    /// <c>ModelAssetVerify=Full</c> on an asset whose stamp is current: the stamp proves the file was not written
    /// since it was placed, Full proves its bytes (a change the identity cannot see, such as a clock rewritten by root).
    /// </summary>
    private async Task<bool> BundledFileHashMatchesAsync(PlannedAsset planned, BuildLog log, CancellationToken cancellationToken)
    {
        string actual = await Sha256File.ComputeAsync(Path.Combine(OutputDirectory, planned.RelativePath), cancellationToken).ConfigureAwait(false);
        bool matches = string.Equals(actual, planned.Asset.Sha256, StringComparison.OrdinalIgnoreCase);
        log.Message(MessageImportance.Low, matches
            ? $"Model asset {planned.Asset.Key}: full verify of the bundled file {planned.RelativePath}: intact."
            : $"Model asset {planned.Asset.Key}: full verify of the bundled file {planned.RelativePath}: sha256 {actual} does not match; placing it again.");
        return matches;
    }

    private static string Megabytes(long bytes) => BuildProgressReporter.Megabytes(bytes);
}
