using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace ModelManifest.Assets;

/// <summary>
/// The content-addressed cache shared by every process of a user. Blobs are keyed by sha256, so assets shared
/// by several models are stored once. No daemon: processes coordinate through atomic renames and advisory locks.
/// </summary>
/// <remarks>
/// Layout under <see cref="Root"/>:
/// <code>
/// CACHEDIR.TAG                          marks the folder as a cache for backup tools
/// blobs/sha256/ab/abcd…                 a verified, read-only blob (name = its full digest)
/// blobs/sha256/ab/abcd….stamp           size + modification time memo; its own mtime = last use
/// blobs/sha256/ab/abcd….partial         an interrupted download, only written under the digest's lock
/// blobs/sha256/ab/abcd….&lt;pid&gt;-&lt;n&gt;.tmp  a process's private download in progress
/// locks/abcd….lock                      the digest's advisory lock file (empty)
/// </code>
/// </remarks>
public sealed class AssetCache
{
    /// <summary>The environment variable that overrides the cache location.</summary>
    public const string EnvironmentVariable = "MODELMANIFEST_CACHE";

    private const string CacheDirTagContent =
        "Signature: 8a477f597d28d172789f06886806bc55\n# This file is a cache directory tag created by ModelManifest.\n# For information about cache directory tags see https://bford.info/cachedir/\n";

    /// <summary>Opens (and creates when needed) a cache rooted at <paramref name="root"/>.</summary>
    public AssetCache(string root)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        Root = Path.GetFullPath(root);
        Directory.CreateDirectory(Path.Combine(Root, "blobs", "sha256"));
        Directory.CreateDirectory(Path.Combine(Root, "locks"));
        var tag = Path.Combine(Root, "CACHEDIR.TAG");
        if (!File.Exists(tag))
        {
            WriteAtomically(tag, CacheDirTagContent);
        }
    }

    /// <summary>The cache's root folder.</summary>
    public string Root { get; }

    /// <summary>
    /// The default location: <c>MODELMANIFEST_CACHE</c>, else <c>$XDG_CACHE_HOME/modelmanifest</c>,
    /// else <c>~/.cache/modelmanifest</c> (on Windows <c>%LOCALAPPDATA%\modelmanifest</c>).
    /// </summary>
    public static string DefaultRoot()
    {
        var explicitRoot = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(explicitRoot))
        {
            return Path.GetFullPath(explicitRoot);
        }

        var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        if (!string.IsNullOrWhiteSpace(xdg) && Path.IsPathFullyQualified(xdg))
        {
            return Path.Combine(xdg, "modelmanifest");
        }

        if (OperatingSystem.IsWindows())
        {
            return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "modelmanifest");
        }

        return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "modelmanifest");
    }

    /// <summary>Opens the cache at <see cref="DefaultRoot"/>.</summary>
    public static AssetCache OpenDefault() => new(DefaultRoot());

    /// <summary>The path a blob with digest <paramref name="sha256"/> has (whether or not it exists).</summary>
    public string GetBlobPath(string sha256)
    {
        RequireDigest(sha256);
        return Path.Combine(Root, "blobs", "sha256", sha256[..2], sha256);
    }

    /// <summary>
    /// The fast "is it there and intact" check: no rehash, only the blob's size and the memo of its size and
    /// modification time written when it was verified. Records the use for <see cref="Prune"/>.
    /// </summary>
    public bool TryGet(string sha256, long size, [NotNullWhen(true)] out string? path)
    {
        if (Check(sha256, size) == FastState.Intact)
        {
            path = GetBlobPath(sha256);
            TouchStamp(sha256);
            return true;
        }

        path = null;
        return false;
    }

    /// <summary>Rehashes a blob. A blob whose bytes changed is removed (so the next request fetches it again) and reported <see cref="CacheBlobState.Corrupt"/>.</summary>
    public async Task<CacheBlobState> VerifyAsync(string sha256, CancellationToken cancellationToken = default)
    {
        var path = GetBlobPath(sha256);
        if (!File.Exists(path))
        {
            return CacheBlobState.Missing;
        }

        var actual = await Sha256File.ComputeAsync(path, cancellationToken).ConfigureAwait(false);
        if (actual == sha256)
        {
            WriteStamp(sha256);
            return CacheBlobState.Intact;
        }

        Remove(sha256);
        return CacheBlobState.Corrupt;
    }

    /// <summary>Lists every blob with its size and last use.</summary>
    public IReadOnlyList<CacheEntry> List()
    {
        var entries = new List<CacheEntry>();
        foreach (var file in Directory.EnumerateFiles(Path.Combine(Root, "blobs", "sha256"), "*", SearchOption.AllDirectories))
        {
            var name = Path.GetFileName(file);
            if (!AssetValidator.IsSha256(name))
            {
                continue;
            }

            var info = new FileInfo(file);
            var stamp = new FileInfo(StampPath(name));
            var lastUsed = stamp.Exists ? stamp.LastWriteTimeUtc : info.LastWriteTimeUtc;
            entries.Add(new CacheEntry(name, info.Length, new DateTimeOffset(lastUsed, TimeSpan.Zero), file));
        }

        return entries;
    }

    /// <summary>
    /// Removes blobs not used since <paramref name="unusedSince"/>, then, least recently used first, until the
    /// total is at most <paramref name="maxTotalBytes"/>. Also deletes abandoned temporary files older than a day.
    /// </summary>
    public PruneResult Prune(DateTimeOffset? unusedSince = null, long? maxTotalBytes = null)
    {
        var entries = List().OrderBy(e => e.LastUsed).ToList();
        var total = entries.Sum(e => e.Size);
        int count = 0;
        long bytes = 0;
        foreach (var entry in entries)
        {
            var tooOld = unusedSince is { } limit && entry.LastUsed < limit;
            var tooBig = maxTotalBytes is { } max && total > max;
            if (!tooOld && !tooBig)
            {
                continue;
            }

            if (Remove(entry.Sha256))
            {
                count++;
                bytes += entry.Size;
                total -= entry.Size;
            }
        }

        DeleteAbandonedTemporaries(DateTime.UtcNow.AddDays(-1));
        return new PruneResult(count, bytes);
    }

    /// <summary>Removes one blob and its memo; returns whether a blob was removed. Files materialized by hardlink keep their bytes.</summary>
    public bool Remove(string sha256)
    {
        var path = GetBlobPath(sha256);
        TryDelete(StampPath(sha256));
        return TryDelete(path);
    }

    internal enum FastState
    {
        Missing,
        Intact,
        NeedsVerify,
    }

    /// <summary>Without hashing: Intact when size and memo match, NeedsVerify when a blob exists but its memo does not match.</summary>
    internal FastState Check(string sha256, long size)
    {
        var blob = new FileInfo(GetBlobPath(sha256));
        if (!blob.Exists)
        {
            return FastState.Missing;
        }

        if (blob.Length != size)
        {
            return FastState.NeedsVerify;
        }

        try
        {
            // Any write to the blob (for example through a hardlinked copy) moves its mtime, so the memo stops matching.
            var memo = File.ReadAllText(StampPath(sha256));
            return memo == StampText(blob) ? FastState.Intact : FastState.NeedsVerify;
        }
        catch (IOException)
        {
            return FastState.NeedsVerify;
        }
    }

    internal string LockPath(string sha256) => Path.Combine(Root, "locks", sha256 + ".lock");

    internal string PartialPath(string sha256) => GetBlobPath(sha256) + ".partial";

    internal string NewPrivateTempPath(string sha256) =>
        GetBlobPath(sha256) + "." + Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "-" + Guid.NewGuid().ToString("N")[..8] + ".tmp";

    /// <summary>
    /// Takes over an interrupted download for this process: the shared <c>.partial</c> file, or the temporary file of a
    /// process that died mid-download, renamed to a fresh private name (an empty name when there is nothing to resume).
    /// </summary>
    internal string ClaimPartial(string sha256)
    {
        var claimed = NewPrivateTempPath(sha256);
        var candidates = new List<string> { PartialPath(sha256) };
        candidates.AddRange(TemporaryFiles(sha256).Where(IsOrphan).OrderByDescending(f => new FileInfo(f).Length));
        foreach (var candidate in candidates)
        {
            try
            {
                File.Move(candidate, claimed);
                break;
            }
            catch (IOException)
            {
                // Gone, or claimed by someone else first: try the next one.
            }
        }

        foreach (var orphan in TemporaryFiles(sha256).Where(IsOrphan))
        {
            TryDelete(orphan);
        }

        return claimed;
    }

    /// <summary>Hands an unfinished private download back as the shared partial file so the next attempt resumes it.</summary>
    internal void ReleasePartial(string temp, string sha256)
    {
        try
        {
            File.Move(temp, PartialPath(sha256), overwrite: false);
        }
        catch (IOException)
        {
            TryDelete(temp);
        }
    }

    /// <summary>Bytes held by partial and in-progress downloads of a digest: the signal that a lock holder is making progress.</summary>
    internal long InProgressBytes(string sha256)
    {
        long total = 0;
        foreach (var file in TemporaryFiles(sha256).Append(PartialPath(sha256)))
        {
            try
            {
                total += new FileInfo(file).Length;
            }
            catch (IOException)
            {
            }
        }

        return total;
    }

    private IEnumerable<string> TemporaryFiles(string sha256)
    {
        var directory = Path.GetDirectoryName(GetBlobPath(sha256))!;
        return Directory.Exists(directory) ? Directory.GetFiles(directory, sha256 + ".*.tmp") : Array.Empty<string>();
    }

    /// <summary>Whether a temporary file's writer (the pid in its name) is gone, as after a SIGKILL.</summary>
    private static bool IsOrphan(string path)
    {
        var name = Path.GetFileName(path);
        var parts = name.Split('.', '-');
        if (parts.Length < 4 || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
        {
            return false;
        }

        if (pid == Environment.ProcessId)
        {
            return false;
        }

        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return process.HasExited;
        }
        catch (ArgumentException)
        {
            return true;
        }
        catch (InvalidOperationException)
        {
            return true;
        }
    }

    internal void EnsureBlobDirectory(string sha256) => Directory.CreateDirectory(Path.GetDirectoryName(GetBlobPath(sha256))!);

    /// <summary>
    /// Publishes a fully written and verified temporary file as the blob: read-only, then an atomic rename.
    /// A blob that is already there counts as success (another process won the race with identical bytes).
    /// </summary>
    internal string Commit(string tempPath, string sha256)
    {
        var blob = GetBlobPath(sha256);
        MakeReadOnly(tempPath);
        try
        {
            File.Move(tempPath, blob, overwrite: false);
        }
        catch (IOException) when (File.Exists(blob))
        {
            TryDelete(tempPath);
        }

        WriteStamp(sha256);
        return blob;
    }

    internal void WriteStamp(string sha256) => WriteAtomically(StampPath(sha256), StampText(new FileInfo(GetBlobPath(sha256))));

    private static string StampText(FileInfo blob) =>
        blob.Length.ToString(CultureInfo.InvariantCulture) + " " + blob.LastWriteTimeUtc.Ticks.ToString(CultureInfo.InvariantCulture);

    private string StampPath(string sha256) => GetBlobPath(sha256) + ".stamp";

    private void TouchStamp(string sha256)
    {
        try
        {
            File.SetLastWriteTimeUtc(StampPath(sha256), DateTime.UtcNow);
        }
        catch (IOException)
        {
            // Last-use tracking is best effort (a read-only cache still serves).
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private void DeleteAbandonedTemporaries(DateTime olderThanUtc)
    {
        foreach (var file in Directory.EnumerateFiles(Path.Combine(Root, "blobs", "sha256"), "*", SearchOption.AllDirectories))
        {
            if ((file.EndsWith(".tmp", StringComparison.Ordinal) || file.EndsWith(".partial", StringComparison.Ordinal))
                && File.GetLastWriteTimeUtc(file) < olderThanUtc)
            {
                TryDelete(file);
            }
        }
    }

    internal static void MakeReadOnly(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            File.SetAttributes(path, File.GetAttributes(path) | FileAttributes.ReadOnly);
        }
        else
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        }
    }

    internal static bool TryDelete(string path)
    {
        try
        {
            if (!File.Exists(path))
            {
                return false;
            }

            if (OperatingSystem.IsWindows())
            {
                File.SetAttributes(path, FileAttributes.Normal);
            }

            File.Delete(path);
            return true;
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static void WriteAtomically(string path, string content)
    {
        var temp = path + "." + Guid.NewGuid().ToString("N")[..8] + ".tmp";
        File.WriteAllText(temp, content);
        File.Move(temp, path, overwrite: true);
    }

    private static void RequireDigest(string sha256)
    {
        if (!AssetValidator.IsSha256(sha256))
        {
            throw new AssetException(AssetDiagnosticIds.InvalidAsset, $"'{AssetValidator.Printable(sha256)}' is not a sha256 digest (64 lowercase hexadecimal characters).");
        }
    }
}
