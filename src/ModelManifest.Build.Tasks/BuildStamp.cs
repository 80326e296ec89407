using ModelManifest.Assets;
using ModelManifest.IO;

namespace ModelManifest.Build.Tasks;

/// <summary>
/// Per-file stamps in obj/, named by the expected sha256 and the bundled path: line 1 the bundled path, line 2 the bundled file's
/// <see cref="FileIdentity"/> (device, inode, size, mtime, ctime) right after it was placed. A current stamp whose
/// identity the bundled file still has means the asset is in place: no hashing, no cache lookup, no connection.
/// Any in-place write to the bundled file (even with its mtime restored) moves its ctime, so the next build
/// re-materializes it. Linking the same blob elsewhere also moves ctime; that costs a re-materialization, not a download.
/// </summary>
internal static class BuildStamp
{
    /// <summary>
    /// Whether the stamp names <paramref name="planned"/>'s path and the bundled file still has the recorded identity;
    /// <paramref name="identity"/> is that recorded identity (for the bundle index).
    /// </summary>
    public static bool IsCurrent(string stampDirectory, PlannedAsset planned, string outputDirectory, out string? identity)
    {
        identity = null;
        string stamp = PathOf(stampDirectory, planned);
        if (!File.Exists(stamp))
        {
            return false;
        }

        string[] lines = File.ReadAllLines(stamp);
        if (lines.Length != 2 || lines[0] != planned.RelativePath)
        {
            return false; // a stamp from an older version (path only) or another path: place the file again
        }

        FileIdentity? bundled = FileIdentity.Of(Path.Combine(outputDirectory, planned.RelativePath));
        if (bundled is not { } file || file.Size != planned.Asset.Size || !file.Matches(lines[1]))
        {
            return false;
        }

        identity = lines[1];
        return true;
    }

    /// <summary>Records the bundled file as placed now; returns its identity, or null when the file is not there.</summary>
    public static string? Write(string stampDirectory, PlannedAsset planned, string outputDirectory)
    {
        string? identity = FileIdentity.Of(Path.Combine(outputDirectory, planned.RelativePath))?.ToString();
        Directory.CreateDirectory(stampDirectory);
        File.WriteAllLines(PathOf(stampDirectory, planned), identity is null ? [planned.RelativePath] : [planned.RelativePath, identity]);
        return identity;
    }

    /// <summary>Writes the index only when its content changes, so incremental copies downstream stay no-ops.</summary>
    public static void WriteIfChanged(string path, BundleIndex index)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        AtomicFile.WriteIfChanged(path, index.ToUtf8Bytes());
    }

    /// <summary>One stamp per placed file: the sha256, and a short hash of the path, since one file may go to several model folders.</summary>
    private static string PathOf(string stampDirectory, PlannedAsset planned) => Path.Combine(stampDirectory,
        planned.Asset.Sha256 + "-" + Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(planned.RelativePath)))[..8].ToLowerInvariant() + ".stamp");
}
