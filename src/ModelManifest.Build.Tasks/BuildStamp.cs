using ModelManifest.Assets;
using ModelManifest.IO;

namespace ModelManifest.Build.Tasks;

/// <summary>
/// Per-asset stamps in obj/, named by the expected sha256 and holding the bundled path. A current stamp plus a
/// bundled file of the expected size means the asset is in place: no hashing, no cache lookup, no connection.
/// </summary>
internal static class BuildStamp
{
    public static bool IsCurrent(string stampDirectory, PlannedAsset planned, string outputDirectory)
    {
        string stamp = PathOf(stampDirectory, planned);
        if (!File.Exists(stamp) || File.ReadAllText(stamp) != planned.RelativePath)
        {
            return false;
        }

        var bundled = new FileInfo(Path.Combine(outputDirectory, planned.RelativePath));
        return bundled.Exists && bundled.Length == planned.Asset.Size;
    }

    public static void Write(string stampDirectory, PlannedAsset planned)
    {
        Directory.CreateDirectory(stampDirectory);
        File.WriteAllText(PathOf(stampDirectory, planned), planned.RelativePath);
    }

    /// <summary>Writes the index only when its content changes, so incremental copies downstream stay no-ops.</summary>
    public static void WriteIfChanged(string path, BundleIndex index)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        AtomicFile.WriteIfChanged(path, index.ToUtf8Bytes());
    }

    private static string PathOf(string stampDirectory, PlannedAsset planned) => Path.Combine(stampDirectory, planned.Asset.Sha256 + ".stamp");
}
