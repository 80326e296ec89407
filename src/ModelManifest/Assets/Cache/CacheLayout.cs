using System.Globalization;

namespace ModelManifest.Assets;

/// <summary>
/// Where every file of the cache lives and what its name says: blobs, stamps, partial downloads, private temporary
/// files (named after the writing process, so an abandoned one can be told from a live one) and lock files.
/// </summary>
internal sealed class CacheLayout
{
    public CacheLayout(string root)
    {
        Root = root;
        BlobsRoot = Path.Combine(root, "blobs", "sha256");
        LocksRoot = Path.Combine(root, "locks");
        SnapshotsRoot = Path.Combine(root, "snapshots");
    }

    public string Root { get; }

    public string BlobsRoot { get; }

    public string LocksRoot { get; }

    /// <summary>Model folders with real file names, linked to the blobs (<see cref="SnapshotFolders"/>).</summary>
    public string SnapshotsRoot { get; }

    public string BlobPath(string sha256) => Path.Combine(BlobsRoot, sha256[..2], sha256);

    public string StampPath(string sha256) => BlobPath(sha256) + ".stamp";

    public string PartialPath(string sha256) => BlobPath(sha256) + ".partial";

    /// <summary>The finished parts of a split download (see <see cref="PartState"/>), beside its partial file.</summary>
    public string PartsPath(string sha256) => BlobPath(sha256) + ".parts";

    public string LockPath(string sha256) => Path.Combine(LocksRoot, sha256 + ".lock");

    /// <summary>A name only this process uses: <c>&lt;sha&gt;.&lt;pid&gt;-&lt;random&gt;.tmp</c>.</summary>
    public string NewPrivateTempPath(string sha256) =>
        BlobPath(sha256) + "." + Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "-" + Guid.NewGuid().ToString("N")[..8] + ".tmp";

    /// <summary>The private temporary files of every process for one digest.</summary>
    public IEnumerable<string> TemporaryFiles(string sha256)
    {
        var directory = Path.GetDirectoryName(BlobPath(sha256))!;
        return Directory.Exists(directory) ? Directory.GetFileSystemEntries(directory, sha256 + ".*.tmp") : Array.Empty<string>();
    }

    /// <summary>Every partial download (with a split download's part list) and temporary file in the cache, with the digest it belongs to.</summary>
    public IEnumerable<(string Sha256, string Path)> IncompleteFiles()
    {
        if (!Directory.Exists(BlobsRoot))
        {
            yield break;
        }

        foreach (var path in Directory.EnumerateFileSystemEntries(BlobsRoot, "*", SearchOption.AllDirectories))
        {
            var name = Path.GetFileName(path);
            if (name.Length > 64 && AssetValidator.IsSha256(name[..64])
                && (name.EndsWith(".partial", StringComparison.Ordinal) || name.EndsWith(".parts", StringComparison.Ordinal)
                    || name.EndsWith(".tmp", StringComparison.Ordinal)))
            {
                yield return (name[..64], path);
            }
        }
    }

    /// <summary>Whether a temporary file's writer (the pid in its name) is gone, as after a SIGKILL. A partial file has no writer.</summary>
    public static bool IsAbandoned(string path)
    {
        var name = Path.GetFileName(path);
        if (name.EndsWith(".partial", StringComparison.Ordinal) || name.EndsWith(".parts", StringComparison.Ordinal))
        {
            return true; // resumable state (a split download's part list goes with its partial file), not a writer's
        }

        var parts = name.Split('.', '-');
        if (parts.Length < 4 || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
        {
            return true; // not a name this cache writes: a foreign object
        }

        return !IsProcessAlive(pid);
    }

    /// <summary>A private temporary name for <paramref name="name"/>: <c>.&lt;name&gt;.&lt;pid&gt;-&lt;random&gt;&lt;suffix&gt;</c>.</summary>
    public static string NewTempName(string name, string suffix) =>
        "." + name + "." + Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "-" + Guid.NewGuid().ToString("N")[..8] + suffix;

    /// <summary>
    /// The writer's process id in a temporary name of the form <c>.&lt;name&gt;.&lt;pid&gt;-&lt;random&gt;&lt;suffix&gt;</c>
    /// (snapshot folders and entries), or null when <paramref name="name"/> is not one.
    /// </summary>
    public static int? TempNameOwner(string name, string suffix)
    {
        if (!name.StartsWith('.') || !name.EndsWith(suffix, StringComparison.Ordinal))
        {
            return null;
        }

        var core = name[..^suffix.Length];
        var owner = core[(core.LastIndexOf('.') + 1)..].Split('-')[0];
        return int.TryParse(owner, NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid : null;
    }

    /// <summary>Whether the process <paramref name="pid"/> (the writer named in a temporary file) is still running.</summary>
    public static bool IsProcessAlive(int pid)
    {
        if (pid == Environment.ProcessId)
        {
            return true;
        }

        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }
}
