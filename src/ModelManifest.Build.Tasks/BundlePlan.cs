using Microsoft.Build.Framework;
using ModelManifest.Reading;

namespace ModelManifest.Build.Tasks;

/// <summary>
/// Which assets a project bundles and where: every asset referenced by a model of the project's manifests, or only
/// those of the models named by <c>ModelBundle</c> items. Files go to <c>models/&lt;fileName&gt;</c>; two different
/// files with one name go to <c>models/&lt;first 12 hex of sha256&gt;/&lt;fileName&gt;</c> so neither shadows the other.
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

        var chosen = new List<AssetInfo>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (model, tags) in models)
        {
            foreach (AssetInfo asset in snapshot.GetAssets(model))
            {
                if ((tags is null || (asset.Tag is not null && tags.Contains(asset.Tag))) && seen.Add(asset.Sha256))
                {
                    chosen.Add(asset);
                }
            }
        }

        string folder = bundleDirectory.Replace('\\', '/').Trim('/');
        var byName = chosen.GroupBy(a => a.FileName, StringComparer.OrdinalIgnoreCase).ToDictionary(g => g.Key, g => g.Count(), StringComparer.OrdinalIgnoreCase);
        var planned = chosen
            .OrderBy(a => a.Id, StringComparer.Ordinal).ThenBy(a => a.Tag, StringComparer.Ordinal)
            .Select(a =>
            {
                string relative = byName[a.FileName] > 1 ? a.Sha256[..12] + "/" + a.FileName : a.FileName;
                relative = folder.Length == 0 ? relative : folder + "/" + relative;
                var at = locations.TryGetValue(a.Key, out var l) ? l : (manifestPaths[0], 0, 0);
                return new PlannedAsset(a, relative, at.Item1, at.Item2, at.Item3);
            })
            .ToList();
        return new BundlePlan(planned, chosen.Any(a => !a.Urls.IsEmpty));
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
