using Microsoft.Build.Framework;
using ModelManifest.Assets;
using MSBuildTask = Microsoft.Build.Utilities.Task;

namespace ModelManifest.Build.Tasks;

/// <summary>
/// The build's adapter over the asset engine: reads the project's manifests, resolves every asset to bundle
/// through the configured sources into the shared cache, and materializes them into the output folder.
/// All resolution logic lives in the engine; this class maps MSBuild items in and log lines/items out.
/// A no-op build is decided per asset from a stamp in obj/ (named by the expected sha256) plus the size of
/// the bundled file: nothing is hashed and no connection is opened.
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
    /// <c>$(ModelAssetsOffline)</c> (true/false; the targets also turn it on for MODELMANIFEST_OFFLINE=1): no connection
    /// is opened; a missing asset is an error. A string, so that a bad value is an MM1103 that names the property.
    /// </summary>
    public string Offline { get; set; } = string.Empty;

    /// <summary><c>$(ModelAssetLinkMode)</c>: Auto, ReflinkOrCopy, Reflink, Hardlink or Copy.</summary>
    public string LinkMode { get; set; } = "Auto";

    /// <summary><c>$(ModelAssetVerify)</c>: Fast (size and cache stamp) or Full (rehash cached blobs before bundling).</summary>
    public string Verify { get; set; } = "Fast";

    /// <summary><c>$(ModelAssetUseUrlHints)</c>: also try the manifests' <c>urls</c>, after every configured source.</summary>
    public string UseUrlHints { get; set; } = string.Empty;

    /// <summary>The output folder (full path): the bundle index is written here.</summary>
    [Required]
    public string OutputDirectory { get; set; } = string.Empty;

    /// <summary><c>$(ModelAssetBundleDirectory)</c>, relative to <see cref="OutputDirectory"/>.</summary>
    public string BundleDirectory { get; set; } = "models";

    /// <summary>Folder in obj/ for the per-asset stamps.</summary>
    [Required]
    public string StampDirectory { get; set; } = string.Empty;

    /// <summary>Bundled files with <c>RelativePath</c> (to the output folder), <c>AssetId</c>, <c>AssetTag</c>, <c>Sha256</c>.</summary>
    [Output]
    public ITaskItem[] BundledFiles { get; private set; } = [];

    /// <summary>The bundle index written next to the app, or empty when nothing is bundled.</summary>
    [Output]
    public string IndexFile { get; private set; } = string.Empty;

    /// <summary>The clock of progress lines and rates (a fake one in unit tests).</summary>
    internal TimeProvider Time { get; set; } = TimeProvider.System;

    private BuildLog BuildLog => new(Log);

    /// <inheritdoc/>
    public void Cancel() => _cancel.Cancel();

    /// <inheritdoc/>
    public override bool Execute()
    {
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

    private async Task<bool> ExecuteAsync(BuildSettings settings, BuildLog log, CancellationToken cancellationToken)
    {
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
        foreach (PlannedAsset planned in plan.Assets)
        {
            if (BuildStamp.IsCurrent(StampDirectory, planned, OutputDirectory))
            {
                log.Message(MessageImportance.Low, $"Model asset {planned.Asset.Key}: up to date ({planned.RelativePath}).");
            }
            else
            {
                pending.Add(planned);
            }
        }

        if (pending.Count > 0 && !await ResolvePendingAsync(pending, plan, settings, log, cancellationToken).ConfigureAwait(false))
        {
            return false;
        }

        foreach (PlannedAsset planned in plan.Assets)
        {
            entries.Add(new BundleIndexEntry { Id = planned.Asset.Id, Tag = planned.Asset.Tag, Sha256 = planned.Asset.Sha256, Size = planned.Asset.Size, Path = planned.RelativePath });
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

        return !log.HasLoggedErrors;
    }

    private async Task<bool> ResolvePendingAsync(List<PlannedAsset> pending, BundlePlan plan, BuildSettings settings, BuildLog log, CancellationToken cancellationToken)
    {
        var cache = string.IsNullOrWhiteSpace(CacheRoot) ? AssetCache.OpenDefault() : new AssetCache(Path.GetFullPath(CacheRoot));
        using var sources = ModelAssetSourceItems.Create(Sources, settings.UseUrlHints && !settings.Offline, plan.HasUrlHints, Log);
        var manager = new AssetManager(cache, new AssetManagerOptions
        {
            Offline = settings.Offline,
            Logger = new TaskLogger(Log),
        });
        foreach (var (source, priority) in sources.Sources)
        {
            manager.AddSource(source, priority);
        }

        var progress = new BuildProgressReporter(log, Time);
        bool ok = true;
        foreach (PlannedAsset planned in pending)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                progress.Started(planned);
                if (settings.FullVerify && cache.TryGet(planned.Asset.Sha256, planned.Asset.Size, out _))
                {
                    CacheBlobState state = await cache.VerifyAsync(planned.Asset.Sha256, cancellationToken).ConfigureAwait(false);
                    log.Message(MessageImportance.Low, $"Model asset {planned.Asset.Key}: full verify of the cached blob: {state}.");
                }

                string targetDirectory = Path.GetDirectoryName(Path.Combine(OutputDirectory, planned.RelativePath))!;
                MaterializedAsset result = await manager.MaterializeAsync(planned.Asset, targetDirectory, settings.LinkMode, progress, cancellationToken).ConfigureAwait(false);
                string from = result.Asset.SourceName is null ? "the cache" : result.Asset.SourceName;
                log.Message(MessageImportance.High, $"Model asset {planned.Asset.Key} ({planned.Asset.FileName}, {Megabytes(planned.Asset.Size)}): from {from}, {result.Mode.ToString().ToLowerInvariant()} into {planned.RelativePath}{progress.Finished(planned.Asset.Key)}");
                ReportSkippedSources(planned, result.Asset.Attempts, log);

                BuildStamp.Write(StampDirectory, planned);
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
        }

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

        log.Error(e.Code, lines.ToString(), planned.Location);
    }

    private static string Megabytes(long bytes) => BuildProgressReporter.Megabytes(bytes);
}
