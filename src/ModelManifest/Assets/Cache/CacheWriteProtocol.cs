namespace ModelManifest.Assets;

/// <summary>
/// How bytes enter the cache, in one place: claim a private file (a fresh one, or an interrupted download taken over
/// by renaming it), write it, then either commit it (read-only through the handle, atomic rename, stamp) or release it
/// (hand a non-empty prefix back as the digest's partial file). Every step tolerates a cache folder others can write
/// into: links, folders, FIFOs or another user's files at any of these names are never written through, changed or
/// waited on; they are removed when possible and otherwise ignored.
/// </summary>
internal sealed class CacheWriteProtocol
{
    private readonly CacheLayout _layout;
    private readonly BlobStamps _stamps;

    public CacheWriteProtocol(CacheLayout layout, BlobStamps stamps)
    {
        _layout = layout;
        _stamps = stamps;
    }

    /// <summary>
    /// Opens a file only this process writes. With <paramref name="resume"/> (the caller holds the digest's lock), takes
    /// over the shared partial file or the largest temporary file of a dead process, by renaming it to a private name
    /// first (a rename moves a link itself, never its target). What cannot be used — not a regular file, another user's,
    /// not writable — is removed or left alone, and the download starts from zero instead.
    /// </summary>
    public DownloadFile Open(string sha256, bool resume)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_layout.BlobPath(sha256))!);
        if (resume)
        {
            var claimed = _layout.NewPrivateTempPath(sha256);
            var candidates = new List<string> { _layout.PartialPath(sha256) };
            candidates.AddRange(_layout.TemporaryFiles(sha256).Where(CacheLayout.IsAbandoned).OrderByDescending(f => FileIdentity.Of(f)?.Size ?? 0));
            foreach (var candidate in candidates)
            {
                if (FileIdentity.Of(candidate) is not { } found)
                {
                    continue;
                }

                if (!found.IsRegular)
                {
                    NoFollowFile.Delete(candidate);
                    continue;
                }

                try
                {
                    File.Move(candidate, claimed);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    continue; // gone, or claimed by someone else first
                }

                var handle = NoFollowFile.OpenOwned(claimed, write: true, out _);
                if (handle is not null)
                {
                    SweepAbandoned(sha256);
                    return new DownloadFile(claimed, new FileStream(handle, FileAccess.ReadWrite, bufferSize: 0));
                }

                // Replaced between the check and the rename, another user's, or read-only: never resume from it.
                NoFollowFile.Delete(claimed);
            }

            SweepAbandoned(sha256);
        }

        // A fresh file: what an earlier split download recorded does not describe it.
        NoFollowFile.Delete(_layout.PartsPath(sha256));
        var path = _layout.NewPrivateTempPath(sha256);
        return new DownloadFile(path, new FileStream(NoFollowFile.CreateNew(path), FileAccess.ReadWrite, bufferSize: 0));
    }

    /// <summary>
    /// Links a file another tool keeps (its own cache) in as a private file of the digest, to be verified and committed
    /// like a download: a reflink (an independent copy-on-write clone) where the volume can clone, else a hardlink (the
    /// same inode: committing makes it read-only). <see langword="null"/> when neither works here (another volume,
    /// another user's file, the file gone): the caller then copies the bytes instead.
    /// </summary>
    public DownloadFile? TryLink(string sha256, string existing)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_layout.BlobPath(sha256))!);
        var path = _layout.NewPrivateTempPath(sha256);
        try
        {
            if (NativeFileSystem.TryReflink(existing, path) is not null && NativeFileSystem.TryHardlink(existing, path) is not null)
            {
                return null;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            NoFollowFile.Delete(path);
            return null;
        }

        var handle = NoFollowFile.OpenOwned(path, write: true, out _);
        if (handle is null)
        {
            NoFollowFile.Delete(path);
            return null;
        }

        return new DownloadFile(path, new FileStream(handle, FileAccess.ReadWrite, bufferSize: 0));
    }

    /// <summary>
    /// Gives up a private file: with <paramref name="keep"/>, a non-empty prefix becomes the digest's partial file so the
    /// next attempt resumes it; otherwise (or when it is empty, or a partial file is already there) it is deleted.
    /// </summary>
    public void Release(DownloadFile file, string sha256, bool keep)
    {
        long length = 0;
        try
        {
            length = file.Stream.Length;
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
        }

        file.Dispose();
        if (keep && length > 0)
        {
            try
            {
                File.Move(file.Path, _layout.PartialPath(sha256), overwrite: false);
                return;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
            }
        }

        NoFollowFile.Delete(file.Path);
        if (!keep)
        {
            NoFollowFile.Delete(_layout.PartsPath(sha256));
        }
    }

    /// <summary>
    /// Publishes a fully written and verified file as the blob: read-only (set through the open handle), then an atomic
    /// rename over whatever has the blob's name — our bytes are verified, anything else there has the same bytes or should
    /// not be there at all. A blob another process published and stamped meanwhile stays, and ours is dropped: replacing
    /// it would leave every hardlink to it (snapshot folders, bundles) pointing at an inode that is no longer the blob.
    /// The stamp is written only when the blob is still our file.
    /// </summary>
    public string Commit(DownloadFile file, string sha256)
    {
        var blob = _layout.BlobPath(sha256);
        NoFollowFile.MakeReadOnly(file.Stream.SafeFileHandle, file.Path);
        var ours = FileIdentity.Of(file.Stream.SafeFileHandle, file.Path);
        file.Dispose();
        switch (FileIdentity.Of(blob))
        {
            case { Kind: FileKind.Directory }:
                NoFollowFile.Delete(blob);
                break;
            case { } existing when existing.Matches(_stamps.Read(sha256)): // a regular file, its size and identity as verified
                NoFollowFile.Delete(file.Path);
                NoFollowFile.Delete(_layout.PartsPath(sha256));
                return blob;
        }

        File.Move(file.Path, blob, overwrite: true);
        NoFollowFile.Delete(_layout.PartsPath(sha256));
        if (FileIdentity.Of(blob) is { } published && ours is { } written && published.Inode == written.Inode && published.Device == written.Device)
        {
            _stamps.Write(sha256, published);
        }

        return blob;
    }

    /// <summary>
    /// Bytes held by partial and in-progress downloads of a digest: the signal that a lock holder is making progress. A
    /// split download's file has its full length from the start, so the parts it has finished are counted too.
    /// </summary>
    public long InProgressBytes(string sha256) =>
        _layout.TemporaryFiles(sha256).Append(_layout.PartialPath(sha256)).Sum(f => FileIdentity.Of(f) is { IsRegular: true } i ? i.Size : 0)
        + (PartState.TryRead(_layout.PartsPath(sha256))?.DoneBytes ?? 0);

    /// <summary>Where a split download of the digest records its finished parts.</summary>
    public string PartsPath(string sha256) => _layout.PartsPath(sha256);

    /// <summary>Removes the temporary files of dead processes (and foreign objects under temporary names) for one digest.</summary>
    public int SweepAbandoned(string sha256) => _layout.TemporaryFiles(sha256).Where(CacheLayout.IsAbandoned).Count(NoFollowFile.Delete);
}
