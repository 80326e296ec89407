namespace ModelManifest.Assets;

/// <summary>
/// A per-digest advisory lock between processes, taken only so that two processes do not download the same
/// blob twice. It is an OS file lock (flock on Unix, a share-mode lock on Windows): the kernel drops it when
/// its holder dies, so it can never go stale. Correctness never depends on it — on file systems where locks
/// silently do nothing, verify-then-rename still keeps the cache right.
/// </summary>
internal sealed class CacheLock : IDisposable
{
    private readonly FileStream _stream;

    private CacheLock(FileStream stream) => _stream = stream;

    /// <summary>Takes the lock at <paramref name="path"/> without waiting, or returns <see langword="null"/> when another holder has it.</summary>
    public static CacheLock? TryAcquire(string path)
    {
        try
        {
            // FileShare.None is what makes .NET take the OS lock; the file itself stays empty.
            var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None);
            return new CacheLock(stream);
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            // A read-only cache volume cannot hold lock files; proceed as if locks did nothing.
            return null;
        }
    }

    /// <summary>Releases the lock. The lock file is left in place: deleting it would let a late opener lock an orphaned inode.</summary>
    public void Dispose() => _stream.Dispose();
}
