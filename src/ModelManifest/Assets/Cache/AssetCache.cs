using System.Diagnostics.CodeAnalysis;

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
/// blobs/sha256/ab/abcd….stamp           identity memo (device, inode, size, mtime, ctime); its own mtime = last use
/// blobs/sha256/ab/abcd….partial         an interrupted download, only written under the digest's lock
/// blobs/sha256/ab/abcd….&lt;pid&gt;-&lt;n&gt;.tmp  a process's private download in progress
/// locks/abcd….lock                      the digest's advisory lock file (empty)
/// snapshots/&lt;model-id&gt;/&lt;version&gt;/&lt;fileName&gt;  a model version's files under their names, linked to the blobs
/// </code>
/// How bytes get in (claim, write, commit or release; links and other users' files never written through) is
/// <see cref="CacheWriteProtocol"/>; this class is the public face: lookup, verification, listing and housekeeping.
/// </remarks>
public sealed class AssetCache
{
    /// <summary>The environment variable that overrides the cache location.</summary>
    public const string EnvironmentVariable = "MODELMANIFEST_CACHE";

    private const string CacheDirTagContent =
        "Signature: 8a477f597d28d172789f06886806bc55\n# This file is a cache directory tag created by ModelManifest.\n# For information about cache directory tags see https://bford.info/cachedir/\n";

    private readonly CacheLayout _layout;
    private readonly BlobStamps _stamps;
    private readonly SnapshotFolders _snapshots;

    /// <summary>Opens (and creates when needed) a cache rooted at <paramref name="root"/>.</summary>
    public AssetCache(string root)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        Root = Path.GetFullPath(root);
        _layout = new CacheLayout(Root);
        _stamps = new BlobStamps(_layout);
        _snapshots = new SnapshotFolders(_layout.SnapshotsRoot);
        Protocol = new CacheWriteProtocol(_layout, _stamps);
        Directory.CreateDirectory(_layout.BlobsRoot);
        Directory.CreateDirectory(_layout.LocksRoot);
        var tag = Path.Combine(Root, "CACHEDIR.TAG");
        if (FileIdentity.Of(tag) is null)
        {
            AtomicText.Write(tag, CacheDirTagContent);
        }

        SecurityWarning = CheckRoot(Root);
    }

    /// <summary>The cache's root folder.</summary>
    public string Root { get; }

    /// <summary>
    /// Why this cache folder is risky to use, or <see langword="null"/>: a root that other users can write into
    /// (world-writable) or that belongs to another user. The cache still never writes through what others plant
    /// there, but they can delete or replace entries, so such a folder costs downloads and should not be shared.
    /// </summary>
    public string? SecurityWarning { get; }

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
        return _layout.BlobPath(sha256);
    }

    /// <summary>
    /// The fast "is it there and intact" check: no rehash, only the blob's identity (device, inode, size, mtime and
    /// ctime, read without following links) against the stamp written when it was verified. Records the use for <see cref="Prune"/>.
    /// </summary>
    public bool TryGet(string sha256, long size, [NotNullWhen(true)] out string? path)
    {
        if (Check(sha256, size) == FastState.Intact)
        {
            path = GetBlobPath(sha256);
            _stamps.Touch(sha256);
            return true;
        }

        path = null;
        return false;
    }

    /// <summary>
    /// Rehashes a blob. A blob whose bytes changed — or anything at the blob's name that is not a regular file, such as
    /// a planted link — is removed (so the next request fetches it again) and reported <see cref="CacheBlobState.Corrupt"/>.
    /// </summary>
    public async Task<CacheBlobState> VerifyAsync(string sha256, CancellationToken cancellationToken = default)
    {
        var path = GetBlobPath(sha256);
        if (FileIdentity.Of(path) is null)
        {
            return CacheBlobState.Missing;
        }

        using (var handle = NoFollowFile.OpenRegular(path, write: false, requireOwner: false, out _))
        {
            if (handle is not null)
            {
                var before = FileIdentity.Of(handle, path);
                var actual = await Sha256File.ComputeAsync(handle, cancellationToken).ConfigureAwait(false);
                if (actual == sha256 && before is { } verified)
                {
                    _stamps.Write(sha256, verified);
                    return CacheBlobState.Intact;
                }
            }
        }

        Remove(sha256);
        return CacheBlobState.Corrupt;
    }

    /// <summary>Lists every blob with its size and last use.</summary>
    public IReadOnlyList<CacheEntry> List()
    {
        var entries = new List<CacheEntry>();
        foreach (var file in Directory.EnumerateFiles(_layout.BlobsRoot, "*", SearchOption.AllDirectories))
        {
            var name = Path.GetFileName(file);
            if (!AssetValidator.IsSha256(name) || FileIdentity.Of(file) is not { IsRegular: true } blob)
            {
                continue;
            }

            var lastUsed = _stamps.LastUsed(name) ?? File.GetLastWriteTimeUtc(file);
            entries.Add(new CacheEntry(name, blob.Size, new DateTimeOffset(lastUsed, TimeSpan.Zero), file));
        }

        return entries;
    }

    /// <summary>
    /// Lists interrupted and in-progress downloads (<c>.partial</c> and temporary files) with their size and last write;
    /// <see cref="CacheEntry.Sha256"/> is the digest they belong to. They take disk space without being blobs.
    /// </summary>
    public IReadOnlyList<CacheEntry> ListIncomplete() =>
        _layout.IncompleteFiles()
            .Select(f => (f.Sha256, f.Path, Identity: FileIdentity.Of(f.Path)))
            .Where(f => f.Identity is not null)
            .Select(f => new CacheEntry(f.Sha256, f.Identity!.Value.Size, new DateTimeOffset(File.GetLastWriteTimeUtc(f.Path), TimeSpan.Zero), f.Path))
            .ToList();

    /// <summary>
    /// Lists the snapshot folders (<c>snapshots/&lt;model-id&gt;/&lt;version&gt;</c>): each model version's files under their
    /// manifest names, linked to the blobs. Their bytes are the blobs' (hardlinks or links), so they add no size of their own.
    /// </summary>
    public IReadOnlyList<CacheSnapshot> ListSnapshots() => _snapshots.List();

    /// <summary>
    /// Removes abandoned downloads (partial files, temporary files of processes that are gone — never those of a live
    /// process) and blobs not used since <paramref name="unusedSince"/>; then, abandoned downloads first and blobs least
    /// recently used next, until the total is at most <paramref name="maxTotalBytes"/>. Abandoned downloads older than a
    /// day are always removed. Snapshot folder entries of a removed blob go with it (so its bytes are really freed), as do
    /// snapshot folders left half built by processes that are gone.
    /// </summary>
    public PruneResult Prune(DateTimeOffset? unusedSince = null, long? maxTotalBytes = null)
    {
        var abandoned = ListIncomplete().Where(e => CacheLayout.IsAbandoned(e.Path)).OrderBy(e => e.LastUsed).ToList();
        var blobs = List().OrderBy(e => e.LastUsed).ToList();
        var total = blobs.Sum(e => e.Size) + ListIncomplete().Sum(e => e.Size);
        var dayAgo = DateTimeOffset.UtcNow.AddDays(-1);
        int count = 0;
        long bytes = 0;
        var removedBlobs = new List<(string, FileIdentity)>();
        _snapshots.SweepAbandoned();
        foreach (var entry in abandoned)
        {
            var tooOld = entry.LastUsed < dayAgo || (unusedSince is { } limit && entry.LastUsed < limit);
            var tooBig = maxTotalBytes is { } max && total > max;
            if ((tooOld || tooBig) && NoFollowFile.Delete(entry.Path))
            {
                bytes += entry.Size;
                total -= entry.Size;
            }
        }

        foreach (var entry in blobs)
        {
            var tooOld = unusedSince is { } limit && entry.LastUsed < limit;
            var tooBig = maxTotalBytes is { } max && total > max;
            if ((tooOld || tooBig) && RemoveBlob(entry.Sha256, removedBlobs))
            {
                count++;
                bytes += entry.Size;
                total -= entry.Size;
            }
        }

        _snapshots.RemoveEntriesOf(removedBlobs);
        return new PruneResult(count, bytes);
    }

    /// <summary>
    /// Removes one blob, its memo, its abandoned partial downloads and its entries in snapshot folders; returns whether
    /// anything was removed. Files materialized by hardlink outside the cache keep their bytes.
    /// </summary>
    public bool Remove(string sha256)
    {
        RequireDigest(sha256);
        var removedBlobs = new List<(string, FileIdentity)>();
        var removed = RemoveBlob(sha256, removedBlobs);
        _snapshots.RemoveEntriesOf(removedBlobs);
        removed |= NoFollowFile.Delete(_layout.PartialPath(sha256));
        removed |= NoFollowFile.Delete(_layout.PartsPath(sha256));
        removed |= Protocol.SweepAbandoned(sha256) > 0;
        return removed;
    }

    internal enum FastState
    {
        Missing,
        Intact,
        NeedsVerify,
    }

    /// <summary>The claim/commit/release protocol by which bytes enter this cache.</summary>
    internal CacheWriteProtocol Protocol { get; }

    /// <summary>Without hashing: Intact when the blob is a regular file of the right size whose identity matches its stamp; NeedsVerify when something else is at its name.</summary>
    internal FastState Check(string sha256, long size)
    {
        if (FileIdentity.Of(_layout.BlobPath(sha256)) is not { } blob)
        {
            return FastState.Missing;
        }

        return blob.IsRegular && blob.Size == size && blob.Matches(_stamps.Read(sha256)) ? FastState.Intact : FastState.NeedsVerify;
    }

    /// <summary>
    /// After the blob was hardlinked (which moves its ctime but not its bytes), re-records its identity — only when
    /// everything but ctime still matches the stamp, so a change made meanwhile is still caught.
    /// </summary>
    internal void RestampAfterLink(string sha256)
    {
        var stamp = _stamps.Read(sha256)?.Trim().Split(' ');
        if (stamp is not { Length: 6 } || FileIdentity.Of(_layout.BlobPath(sha256)) is not { IsRegular: true } blob)
        {
            return;
        }

        var now = blob.ToString().Split(' ');
        if (now.Take(5).SequenceEqual(stamp.Take(5), StringComparer.Ordinal))
        {
            _stamps.Write(sha256, blob);
        }
    }

    internal string LockPath(string sha256) => _layout.LockPath(sha256);

    internal string PartialPath(string sha256) => _layout.PartialPath(sha256);

    /// <summary>Bytes held by partial and in-progress downloads of a digest: the signal that a lock holder is making progress.</summary>
    internal long InProgressBytes(string sha256) => Protocol.InProgressBytes(sha256);

    /// <summary>
    /// Returns the folder <c>snapshots/&lt;model-id&gt;/&lt;version&gt;</c> holding exactly <paramref name="files"/> under their names,
    /// linked to their (already verified) blobs: created atomically when missing, repaired in place when an entry is not its blob.
    /// </summary>
    internal string EnsureSnapshot(string modelId, string version, IReadOnlyList<SnapshotFile> files) =>
        _snapshots.Ensure(modelId, version, files, RestampAfterLink);

    /// <summary>Removes a blob and its memo; records what the blob was, so its snapshot entries can go too.</summary>
    private bool RemoveBlob(string sha256, List<(string, FileIdentity)> removedBlobs)
    {
        var path = _layout.BlobPath(sha256);
        var identity = FileIdentity.Of(path);
        NoFollowFile.Delete(_layout.StampPath(sha256));
        if (!NoFollowFile.Delete(path))
        {
            return false;
        }

        if (identity is { IsRegular: true } blob)
        {
            removedBlobs.Add((path, blob));
        }

        return true;
    }

    private static string? CheckRoot(string root)
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        var resolved = Directory.ResolveLinkTarget(root, returnFinalTarget: true)?.FullName ?? root;
        if (FileIdentity.Of(resolved) is not { } folder)
        {
            return null;
        }

        if ((folder.Mode & 0b000_000_010) != 0)
        {
            return $"the cache folder '{root}' is writable by every user; others can delete or replace cached files. Use a private folder (MODELMANIFEST_CACHE).";
        }

        return folder.OwnerId != NoFollowFile.CurrentUserId
            ? $"the cache folder '{root}' belongs to another user (uid {folder.OwnerId}); they can delete or replace cached files. Use a folder of your own (MODELMANIFEST_CACHE)."
            : null;
    }

    private static void RequireDigest(string sha256)
    {
        if (!AssetValidator.IsSha256(sha256))
        {
            throw new AssetException(AssetDiagnosticIds.InvalidAsset, $"'{AssetValidator.Printable(sha256)}' is not a sha256 digest (64 lowercase hexadecimal characters).");
        }
    }
}
