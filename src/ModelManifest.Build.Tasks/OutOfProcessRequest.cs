using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace ModelManifest.Build.Tasks;

/// <summary>
/// The task's inputs as the targets write them for <see cref="OutOfProcessHost"/>: one tab-separated line each,
/// <c>manifest	path</c>, <c>source	include	Name=value…</c>, <c>bundle	include	Name=value…</c>,
/// <c>property	Name	value</c> and <c>bundle-list	path</c> (where the bundled files are listed for the targets).
/// </summary>
internal sealed class OutOfProcessRequest
{
    private readonly List<ITaskItem> _manifests = [];
    private readonly List<ITaskItem> _sources = [];
    private readonly List<ITaskItem> _bundle = [];
    private readonly Dictionary<string, string> _properties = new(StringComparer.OrdinalIgnoreCase);
    private string? _bundleList;

    public static OutOfProcessRequest Read(string path)
    {
        var request = new OutOfProcessRequest();
        foreach (string line in File.ReadAllLines(path))
        {
            string[] fields = line.Split('\t');
            switch (fields[0])
            {
                case "manifest":
                    request._manifests.Add(new TaskItem(fields[1]));
                    break;
                case "source":
                    request._sources.Add(Item(fields));
                    break;
                case "bundle":
                    request._bundle.Add(Item(fields));
                    break;
                case "property":
                    request._properties[fields[1]] = fields.Length > 2 ? fields[2] : string.Empty;
                    break;
                case "bundle-list":
                    request._bundleList = fields[1];
                    break;
            }
        }

        return request;
    }

    public ResolveModelAssets CreateTask(IBuildEngine engine) => new()
    {
        BuildEngine = engine,
        Manifests = [.. _manifests],
        Sources = [.. _sources],
        Bundle = [.. _bundle],
        CacheRoot = Property(nameof(ResolveModelAssets.CacheRoot)),
        Offline = Property(nameof(ResolveModelAssets.Offline)),
        LinkMode = Property(nameof(ResolveModelAssets.LinkMode)),
        Verify = Property(nameof(ResolveModelAssets.Verify)),
        UseUrlHints = Property(nameof(ResolveModelAssets.UseUrlHints)),
        MaxConcurrentAssets = Property(nameof(ResolveModelAssets.MaxConcurrentAssets)),
        MaxConnectionsPerAsset = Property(nameof(ResolveModelAssets.MaxConnectionsPerAsset)),
        MinSplitSize = Property(nameof(ResolveModelAssets.MinSplitSize)),
        OutputDirectory = Property(nameof(ResolveModelAssets.OutputDirectory)),
        BundleDirectory = Property(nameof(ResolveModelAssets.BundleDirectory)),
        StampDirectory = Property(nameof(ResolveModelAssets.StampDirectory)),
    };

    /// <summary>What the in-process targets write from the task's outputs: every bundled file and the index, one per line.</summary>
    public void WriteBundleList(ResolveModelAssets task)
    {
        if (_bundleList is null)
        {
            return;
        }

        var lines = task.BundledFiles.Select(f => Path.GetFullPath(f.ItemSpec)).ToList();
        foreach (string file in new[] { task.IndexFile, task.SourcesFile }.Where(f => f.Length > 0))
        {
            lines.Add(Path.GetFullPath(file));
        }

        File.WriteAllLines(_bundleList, lines);
    }

    private string Property(string name) => _properties.TryGetValue(name, out string? value) ? value : string.Empty;

    private static TaskItem Item(string[] fields)
    {
        var item = new TaskItem(fields[1]);
        foreach (string pair in fields.Skip(2))
        {
            int equals = pair.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0 && equals < pair.Length - 1)
            {
                item.SetMetadata(pair[..equals], pair[(equals + 1)..]);
            }
        }

        return item;
    }
}
