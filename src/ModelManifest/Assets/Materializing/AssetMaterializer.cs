using System.Collections.Concurrent;
using System.Runtime.InteropServices;

namespace ModelManifest.Assets;

/// <summary>
/// Places a cached blob into a folder by reflink, hardlink or copy. What works is probed once per pair of
/// volumes (cache volume, target volume) and remembered for the life of the process.
/// </summary>
/// <remarks>
/// A reflink or a copy is an independent file: editing or deleting it never touches the cache. A hardlink shares
/// the blob's inode, so it is read-only like the blob; deleting it only drops one link. Should someone force an
/// in-place write through it (root, or after chmod), the blob's ctime moves (even when its mtime is set back), the
/// cache's fast check stops trusting its stamp, the next lookup rehashes, and a changed blob is removed and fetched
/// again — the cache never serves changed bytes. Apps that edit model files in place should use <see cref="LinkMode.ReflinkOrCopy"/>.
/// </remarks>
public sealed class AssetMaterializer
{
    /// <summary>The suffix of a placement's temporary name.</summary>
    internal const string TempSuffix = ".mmtmp";

    private readonly ConcurrentDictionary<(string Cache, string Target), Placement> _bestMode = new();

    /// <summary>Materializes <paramref name="blobPath"/> as <paramref name="targetDirectory"/>/<paramref name="fileName"/>, replacing any existing file atomically.</summary>
    /// <returns>The path written and the mode actually used.</returns>
    public (string Path, LinkMode Mode) Materialize(string blobPath, string targetDirectory, string fileName, LinkMode mode = LinkMode.Auto)
    {
        Placement[] plan = mode switch
        {
            LinkMode.Auto => [Placement.Reflink, Placement.Hardlink, Placement.Copy],
            LinkMode.ReflinkOrCopy => [Placement.Reflink, Placement.Copy],
            LinkMode.Reflink => [Placement.Reflink],
            LinkMode.Hardlink => [Placement.Hardlink],
            _ => [Placement.Copy],
        };
        var (path, used) = Place(blobPath, targetDirectory, fileName, plan);
        return (path, used switch
        {
            Placement.Reflink => LinkMode.Reflink,
            Placement.Hardlink => LinkMode.Hardlink,
            _ => LinkMode.Copy,
        });
    }

    /// <summary>
    /// Places <paramref name="blobPath"/> as <paramref name="targetDirectory"/>/<paramref name="fileName"/> by the first
    /// way of <paramref name="plan"/> that works here (the one that worked last time for this pair of volumes first),
    /// replacing any existing entry atomically. The entry is built under a temporary name in
    /// <paramref name="stagingDirectory"/> (same volume; the target folder when null) and renamed into place; the name
    /// carries this process's id so that a sweep can tell the leftovers of a dead process.
    /// </summary>
    internal (string Path, Placement Used) Place(string blobPath, string targetDirectory, string fileName, IReadOnlyList<Placement> plan, string? stagingDirectory = null)
    {
        if (!AssetValidator.IsSafeFileName(fileName))
        {
            throw new AssetException(AssetDiagnosticIds.InvalidAsset, $"'{AssetValidator.Printable(fileName)}' is not a safe file name.");
        }

        Directory.CreateDirectory(targetDirectory);
        var target = AssetValidator.CombineInside(targetDirectory, fileName)
            ?? throw new AssetException(AssetDiagnosticIds.InvalidAsset, $"'{AssetValidator.Printable(fileName)}' would leave the target folder.");
        var volumes = (VolumeOf(blobPath), VolumeOf(target));
        if (_bestMode.TryGetValue(volumes, out var known) && plan.Contains(known))
        {
            plan = plan.SkipWhile(m => m != known).ToArray();
        }

        var temp = Path.Combine(stagingDirectory ?? Path.GetDirectoryName(target)!, CacheLayout.NewTempName(fileName, TempSuffix));
        string? lastError = null;
        foreach (var candidate in plan)
        {
            lastError = TryPlace(candidate, blobPath, temp);
            if (lastError is null)
            {
                _bestMode[volumes] = candidate;
                try
                {
                    File.Move(temp, target, overwrite: true); // rename(2): moves a symbolic link itself, never its target
                }
                catch
                {
                    NoFollowFile.Delete(temp);
                    throw;
                }

                return (target, candidate);
            }

            NoFollowFile.Delete(temp);
        }

        throw new AssetException(AssetDiagnosticIds.MaterializeFailed, $"Could not place '{fileName}' into '{targetDirectory}' by {string.Join(", ", plan)}: {lastError}");
    }

    /// <summary>Returns null on success, else why the way is impossible here.</summary>
    private static string? TryPlace(Placement placement, string source, string temp)
    {
        try
        {
            switch (placement)
            {
                case Placement.Reflink:
                    return NativeFileSystem.TryReflink(source, temp);
                case Placement.Hardlink:
                    return NativeFileSystem.TryHardlink(source, temp);
                case Placement.Symlink:
                    File.CreateSymbolicLink(temp, source);
                    return null;
                default:
                    File.Copy(source, temp);
                    if (!OperatingSystem.IsWindows())
                    {
                        // A copy is the user's own file: writable, independent of the read-only blob.
                        File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
                    }
                    else
                    {
                        File.SetAttributes(temp, FileAttributes.Normal);
                    }

                    return null;
            }
        }
        catch (IOException e)
        {
            return e.Message;
        }
        catch (UnauthorizedAccessException e)
        {
            return e.Message;
        }
    }

    /// <summary>The mount point holding <paramref name="path"/> (Linux: longest match in /proc/self/mounts), else the path root.</summary>
    private static string VolumeOf(string path)
    {
        var full = Path.GetFullPath(path);
        if (!OperatingSystem.IsLinux() || !File.Exists("/proc/self/mounts"))
        {
            return Path.GetPathRoot(full) ?? full;
        }

        var best = "/";
        foreach (var line in File.ReadLines("/proc/self/mounts"))
        {
            var fields = line.Split(' ');
            if (fields.Length < 2)
            {
                continue;
            }

            var mount = fields[1].Replace("\\040", " ", StringComparison.Ordinal);
            var isPrefix = full == mount || full.StartsWith(mount.TrimEnd('/') + "/", StringComparison.Ordinal);
            if (isPrefix && mount.Length > best.Length)
            {
                best = mount;
            }
        }

        return best;
    }
}

/// <summary>The ways a blob can be placed: the <see cref="LinkMode"/> ways, and a symbolic link for the cache's own snapshot folders.</summary>
internal enum Placement
{
    Reflink,
    Hardlink,
    Symlink,
    Copy,
}
