namespace ModelManifest.Assets;

/// <summary>
/// The fast "is it cached" memo: beside each verified blob, <c>&lt;sha&gt;.stamp</c> holds the blob's
/// <see cref="FileIdentity"/> (device, inode, size, mtime, ctime) at the time it was verified. A blob whose identity
/// still matches was not replaced or written since; any other blob is rehashed before use. The stamp's own
/// modification time records the blob's last use.
/// </summary>
internal sealed class BlobStamps
{
    private const int MaxStampLength = 256;
    private readonly CacheLayout _layout;

    public BlobStamps(CacheLayout layout) => _layout = layout;

    /// <summary>Records <paramref name="verified"/> as the identity of the blob's verified bytes.</summary>
    public void Write(string sha256, FileIdentity verified)
    {
        if (verified.IsRegular)
        {
            AtomicText.Write(_layout.StampPath(sha256), verified.ToString() + "\n");
        }
    }

    /// <summary>The recorded identity text, or null (no stamp, or not a regular file: a planted link is never read through).</summary>
    public string? Read(string sha256)
    {
        using var handle = NoFollowFile.OpenRegular(_layout.StampPath(sha256), write: false, requireOwner: false, out _);
        if (handle is null)
        {
            return null;
        }

        var buffer = new byte[MaxStampLength];
        var read = RandomAccess.Read(handle, buffer, 0);
        return System.Text.Encoding.UTF8.GetString(buffer, 0, read);
    }

    /// <summary>Moves the stamp's modification time to now: the blob's last use, for pruning. Best effort.</summary>
    public void Touch(string sha256)
    {
        try
        {
            using var handle = NoFollowFile.OpenRegular(_layout.StampPath(sha256), write: false, requireOwner: false, out _);
            if (handle is not null)
            {
                File.SetLastWriteTimeUtc(handle, DateTime.UtcNow);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A read-only cache, or another user's stamp, still serves.
        }
    }

    /// <summary>When the blob was last used, from its stamp's modification time.</summary>
    public DateTime? LastUsed(string sha256)
    {
        var stamp = new FileInfo(_layout.StampPath(sha256));
        return stamp.Exists && stamp.LinkTarget is null ? stamp.LastWriteTimeUtc : null;
    }
}
