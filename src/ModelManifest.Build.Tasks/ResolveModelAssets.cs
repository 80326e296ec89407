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

    /// <summary><c>$(ModelAssetsOffline)</c>: no connection is opened; a missing asset is an error.</summary>
    public bool Offline { get; set; }

    /// <summary><c>$(ModelAssetLinkMode)</c>: Auto, Reflink, Hardlink or Copy.</summary>
    public string LinkMode { get; set; } = "Auto";

    /// <summary><c>$(ModelAssetVerify)</c>: Fast (size and cache stamp) or Full (rehash cached blobs before bundling).</summary>
    public string Verify { get; set; } = "Fast";

    /// <summary><c>$(ModelAssetUseUrlHints)</c>: also try the manifests' <c>urls</c>, after every configured source.</summary>
    public bool UseUrlHints { get; set; } = true;

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

    /// <inheritdoc/>
    public void Cancel() => _cancel.Cancel();

    /// <inheritdoc/>
    public override bool Execute()
    {
        try
        {
            return ExecuteAsync(_cancel.Token).GetAwaiter().GetResult();
        }
        catch (OperationCanceledException) when (_cancel.IsCancellationRequested)
        {
            Log.LogWarning(null, BuildErrorCodes.Canceled, null, null, 0, 0, 0, 0, "Model asset resolution was canceled; the cache is left consistent (partial downloads resume next time).");
            return false;
        }
        catch (BuildConfigurationException e)
        {
            Log.LogError(null, e.Code, null, e.File, 0, 0, 0, 0, e.Message);
            return false;
        }
    }

    private async Task<bool> ExecuteAsync(CancellationToken cancellationToken)
    {
        var plan = BundlePlan.Create(Manifests.Select(m => m.GetMetadata("FullPath")).ToList(), Bundle, BundleDirectory, Log);
        if (plan is null)
        {
            return false; // manifest errors were logged with their locations
        }

        var entries = new List<BundleIndexEntry>();
        var outputs = new List<ITaskItem>();
        var pending = new List<PlannedAsset>();
        foreach (PlannedAsset planned in plan.Assets)
        {
            if (BuildStamp.IsCurrent(StampDirectory, planned, OutputDirectory))
            {
                Log.LogMessage(MessageImportance.Low, $"Model asset {planned.Asset.Key}: up to date ({planned.RelativePath}).");
            }
            else
            {
                pending.Add(planned);
            }
        }

        if (pending.Count > 0 && !await ResolvePendingAsync(pending, plan, cancellationToken).ConfigureAwait(false))
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

        return !Log.HasLoggedErrors;
    }

    private async Task<bool> ResolvePendingAsync(List<PlannedAsset> pending, BundlePlan plan, CancellationToken cancellationToken)
    {
        var mode = ParseLinkMode(LinkMode);
        bool full = string.Equals(Verify, "Full", StringComparison.OrdinalIgnoreCase);
        var cache = string.IsNullOrWhiteSpace(CacheRoot) ? AssetCache.OpenDefault() : new AssetCache(Path.GetFullPath(CacheRoot));
        using var sources = ModelAssetSourceItems.Create(Sources, UseUrlHints && !Offline, plan.HasUrlHints, Log);
        var manager = new AssetManager(cache, new AssetManagerOptions
        {
            Offline = Offline,
            Logger = new TaskLogger(Log),
        });
        foreach (var (source, priority) in sources.Sources)
        {
            manager.AddSource(source, priority);
        }

        var progress = new BuildProgressReporter(Log);
        bool ok = true;
        foreach (PlannedAsset planned in pending)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                if (full && cache.TryGet(planned.Asset.Sha256, planned.Asset.Size, out _))
                {
                    CacheBlobState state = await cache.VerifyAsync(planned.Asset.Sha256, cancellationToken).ConfigureAwait(false);
                    Log.LogMessage(MessageImportance.Low, $"Model asset {planned.Asset.Key}: full verify of the cached blob: {state}.");
                }

                string targetDirectory = Path.GetDirectoryName(Path.Combine(OutputDirectory, planned.RelativePath))!;
                MaterializedAsset result = await manager.MaterializeAsync(planned.Asset, targetDirectory, mode, progress, cancellationToken).ConfigureAwait(false);
                string from = result.Asset.SourceName is null ? "the cache" : result.Asset.SourceName;
                Log.LogMessage(MessageImportance.High, $"Model asset {planned.Asset.Key} ({planned.Asset.FileName}, {Megabytes(planned.Asset.Size)}): from {from}, {result.Mode.ToString().ToLowerInvariant()} into {planned.RelativePath}");
                foreach (SourceAttempt skipped in result.Asset.Attempts.Where(a => a.Code is not null && a.Code != AssetDiagnosticIds.NotInSource))
                {
                    Log.LogWarning(null, BuildErrorCodes.SourceSkipped, null, planned.ManifestPath, planned.Line, planned.Column, 0, 0, $"Model asset {planned.Asset.Key}: source skipped: {skipped}");
                }

                BuildStamp.Write(StampDirectory, planned);
            }
            catch (AssetException e)
            {
                ok = false;
                LogAssetError(planned, e);
            }
            catch (IOException e) when (BuildErrorCodes.IsDiskFull(e))
            {
                ok = false;
                Log.LogError(null, BuildErrorCodes.DiskFull, null, planned.ManifestPath, planned.Line, planned.Column, 0, 0,
                    $"Model asset {planned.Asset.Key} ({Megabytes(planned.Asset.Size)}): the disk is full (cache {cache.Root}, output {OutputDirectory}). Free space or set ModelAssetCacheRoot.");
            }
        }

        return ok;
    }

    private void LogAssetError(PlannedAsset planned, AssetException e)
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

        Log.LogError(null, e.Code, null, planned.ManifestPath, planned.Line, planned.Column, 0, 0, lines.ToString());
    }

    private static Assets.LinkMode ParseLinkMode(string value) => value.ToLowerInvariant() switch
    {
        "" or "auto" => Assets.LinkMode.Auto,
        "reflink" => Assets.LinkMode.Reflink,
        "hardlink" => Assets.LinkMode.Hardlink,
        "copy" => Assets.LinkMode.Copy,
        _ => throw new BuildConfigurationException(BuildErrorCodes.InvalidProperty, null, $"ModelAssetLinkMode '{value}' is not one of Auto, Reflink, Hardlink, Copy."),
    };

    internal static string Megabytes(long bytes) => (bytes / 1048576.0).ToString(bytes < 10 * 1048576 ? "0.00" : "0", System.Globalization.CultureInfo.InvariantCulture) + " MB";
}
