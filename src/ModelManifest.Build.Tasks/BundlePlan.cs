using Microsoft.Build.Framework;
using ModelManifest.Assets;
using ModelManifest.Reading;

namespace ModelManifest.Build.Tasks;

/// <summary>
/// Which assets a project bundles and where: every asset referenced by a model of the project's manifests, or only
/// those of the models named by <c>ModelBundle</c> items. A model of several files goes to <c>models/&lt;model-id&gt;/&lt;fileName&gt;</c>
/// (the folder the runtime's <c>GetModelDirectoryAsync</c> returns); other files go to <c>models/&lt;fileName&gt;</c>, and two
/// different files with one name go to <c>models/&lt;first 12 hex of sha256&gt;/&lt;fileName&gt;</c> so neither shadows the other.
/// </summary>
internal sealed class BundlePlan
{
    private BundlePlan(IReadOnlyList<PlannedAsset> assets, bool hasUrlHints)
    {
        Assets = assets;
        HasUrlHints = hasUrlHints;
    }

    public IReadOnlyList<PlannedAsset> Assets { get; }

    public bool HasUrlHints { get; }

    /// <summary>Reads and merges the manifests; returns <see langword="null"/> after logging located errors.</summary>
    public static BundlePlan? Create(IReadOnlyList<string> manifestPaths, ITaskItem[] selection, string bundleDirectory, BuildLog log)
    {
        var results = ManifestReader.ReadFiles(manifestPaths);
        var locations = new Dictionary<AssetKey, (string File, int Line, int Column)>();
        bool failed = false;
        foreach (ManifestReadResult result in results)
        {
            foreach (ManifestDiagnostic d in result.Diagnostics.Where(d => d.Severity == ManifestSeverity.Error))
            {
                // Warnings are the compiler's to report (the generator sees the same manifests); errors stop us here.
                log.Error(d.Id, d.Message, new BuildLocation(d.FilePath, d.Start.Line + 1, d.Start.Column + 1, d.End.Line + 1, d.End.Column + 1));
                failed = true;
            }

            foreach (AssetInfo asset in result.Document?.Assets ?? [])
            {
                if (result.FindAsset(asset.Key) is { } start)
                {
                    locations.TryAdd(asset.Key, (result.Path!, start.Line + 1, start.Column + 1));
                }
            }
        }

        if (failed)
        {
            return null;
        }

        var merged = ManifestMerger.Merge(results.Select((r, i) => new ManifestMergeInput(r.Document!, r.Path!, 0)));
        foreach (ManifestDiagnostic d in merged.Diagnostics.Where(d => d.Severity == ManifestSeverity.Error))
        {
            log.Error(d.Id, d.Message, new BuildLocation(d.FilePath));
            failed = true;
        }

        if (failed)
        {
            return null;
        }

        ManifestSnapshot snapshot = merged.Snapshot;
        var models = SelectModels(snapshot, selection, log);
        if (models is null)
        {
            return null;
        }

        string folder = bundleDirectory.Replace('\\', '/').Trim('/');
        var placements = Place(models.Select(m => (m.Model, snapshot.GetAssets(m.Model).Where(a => m.Tags is null || (a.Tag is not null && m.Tags.Contains(a.Tag))).ToList())).ToList());
        var planned = placements
            .Select(p =>
            {
                string relative = folder.Length == 0 ? p.RelativePath : folder + "/" + p.RelativePath;
                var at = locations.TryGetValue(p.Asset.Key, out var l) ? l : (manifestPaths[0], 0, 0);
                return new PlannedAsset(p.Asset, relative, at.Item1, at.Item2, at.Item3);
            })
            .ToList();
        return new BundlePlan(planned, planned.Any(p => !p.Asset.Urls.IsEmpty));
    }

    /// <summary>
    /// Where each asset goes, relative to the bundle folder. A model version of several files gets a folder with their
    /// names — <c>&lt;model-id&gt;/</c>, or <c>&lt;model-id&gt;/&lt;version&gt;/</c> when bundled versions of the id differ in their files —
    /// so the runtime hands it out as the model's folder. Every other file goes to the bundle folder itself, or to
    /// <c>&lt;first 12 hex of sha256&gt;/</c> when two different files (or a file and a model folder) share a name.
    /// A file several models use is placed once per folder.
    /// </summary>
    private static List<(AssetInfo Asset, string RelativePath)> Place(List<(ModelInfo Model, List<AssetInfo> Assets)> models)
    {
        // A folder needs several files with distinct names (different files with one name cannot share a folder).
        static bool IsFolderModel(List<AssetInfo> assets) =>
            assets.DistinctBy(a => a.Sha256).Count() > 1
            && assets.GroupBy(a => a.FileName, StringComparer.OrdinalIgnoreCase).All(g => g.Select(a => a.Sha256).Distinct().Count() == 1);
        static string FileSet(List<AssetInfo> assets) =>
            string.Join("|", assets.Select(a => a.FileName + "=" + a.Sha256).Distinct().Order(StringComparer.Ordinal));

        var placements = new List<(AssetInfo Asset, string RelativePath)>();
        var folderModels = models.Where(m => IsFolderModel(m.Assets)).ToList();
        foreach (var byId in folderModels.GroupBy(m => m.Model.Id, StringComparer.Ordinal))
        {
            string idFolder = SnapshotFolders.FolderName(byId.Key);
            bool oneLayout = byId.Select(m => FileSet(m.Assets)).Distinct().Count() == 1;
            foreach (var (model, assets) in byId)
            {
                string modelFolder = oneLayout ? idFolder : idFolder + "/" + model.Version;
                placements.AddRange(assets.DistinctBy(a => a.FileName, StringComparer.OrdinalIgnoreCase).Select(a => (a, modelFolder + "/" + a.FileName)));
            }
        }

        var flat = models.Where(m => !IsFolderModel(m.Assets)).SelectMany(m => m.Assets).DistinctBy(a => a.Sha256).ToList();
        var taken = flat.GroupBy(a => a.FileName, StringComparer.OrdinalIgnoreCase).ToDictionary(g => g.Key, g => g.Count(), StringComparer.OrdinalIgnoreCase);
        foreach (string idFolder in folderModels.Select(m => SnapshotFolders.FolderName(m.Model.Id)).Distinct(StringComparer.Ordinal))
        {
            taken[idFolder] = taken.GetValueOrDefault(idFolder) + 1;
        }

        placements.AddRange(flat.Select(a => (a, taken[a.FileName] > 1 ? a.Sha256[..12] + "/" + a.FileName : a.FileName)));
        return placements
            .DistinctBy(p => (p.Asset.Sha256, p.RelativePath))
            .OrderBy(p => p.Asset.Id, StringComparer.Ordinal).ThenBy(p => p.Asset.Tag, StringComparer.Ordinal).ThenBy(p => p.RelativePath, StringComparer.Ordinal)
            .ToList();
    }

    private static List<(ModelInfo Model, HashSet<string>? Tags)>? SelectModels(ManifestSnapshot snapshot, ITaskItem[] selection, BuildLog log)
    {
        if (selection.Length == 0)
        {
            return snapshot.Models.Select(m => (m, (HashSet<string>?)null)).ToList();
        }

        var models = new List<(ModelInfo, HashSet<string>?)>();
        foreach (ITaskItem item in selection)
        {
            string id = item.ItemSpec;
            string version = item.GetMetadata(Names.Version);
            ModelInfo? model = version.Length == 0 ? snapshot.GetLatest(id) : snapshot.Get(id, version);
            if (model is null)
            {
                string known = snapshot.Models.IsEmpty
                    ? "the manifests declare no models; remove the item"
                    : "write one of: " + string.Join(", ", snapshot.Models.Select(m => $"'{m.Id}' ({Names.Version}='{m.Version}')"));
                log.Error(BuildDiagnosticIds.UnknownBundleModel,
                    $"{Names.BundleItem} '{id}'{(version.Length == 0 ? string.Empty : " " + Names.Version + " '" + version + "'")} matches no model in the manifests; {known}.");
                return null;
            }

            string tags = item.GetMetadata(Names.Tags);
            models.Add((model, tags.Length == 0 ? null : tags.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal)));
        }

        return models;
    }
}
