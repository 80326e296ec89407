using Microsoft.Win32.SafeHandles;

namespace ModelManifest.Assets;

/// <summary>
/// A per-digest advisory lock between processes, taken only so that two processes do not download the same
/// blob twice. It is an OS file lock (flock on Unix, a share-mode lock on Windows): the kernel drops it when
/// its holder dies, so it can never go stale. Correctness never depends on it — on file systems where locks
/// silently do nothing, verify-then-rename still keeps the cache right.
/// </summary>
internal sealed class CacheLock : IDisposable
{
    private readonly SafeFileHandle _handle;

    private CacheLock(SafeFileHandle handle) => _handle = handle;

    /// <summary>
    /// Takes the lock at <paramref name="path"/> without waiting, or returns <see langword="null"/>: with
    /// <paramref name="unavailable"/> false another holder has it; true when the lock file cannot be opened at all
    /// (a read-only cache, a lock file of another user, a foreign object): locks do not work here, so proceed at once.
    /// The lock file is opened without following links, so a planted link cannot make us create a file elsewhere.
    /// </summary>
    public static CacheLock? TryAcquire(string path, out bool unavailable)
    {
        var outcome = NoFollowFile.TryLock(path, out var handle);
        unavailable = outcome == LockOutcome.Unavailable;
        return outcome == LockOutcome.Acquired ? new CacheLock(handle!) : null;
    }

    /// <summary>Releases the lock. The lock file is left in place: deleting it would let a late opener lock an orphaned inode.</summary>
    public void Dispose() => _handle.Dispose();
}
