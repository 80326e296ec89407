namespace ModelManifest.Registry.Blobs;

/// <summary>
/// The default blob store: <c>&lt;data&gt;/blobs/sha256/ab/&lt;hex&gt;</c>. A blob appears by a rename of a verified,
/// flushed temporary file from the same volume, so a reader sees the whole blob or none, even after a crash.
/// </summary>
internal sealed class FolderBlobStore(string root) : IBlobStore
{
    public string Description => "folder " + root;

    public string PathOf(string sha256) => Path.Combine(root, "sha256", sha256[..2], sha256);

    public Task<long?> GetSizeAsync(string sha256, CancellationToken cancellationToken)
    {
        var file = new FileInfo(PathOf(sha256));
        return Task.FromResult<long?>(file.Exists ? file.Length : null);
    }

    public Task<BlobLocation?> LocateAsync(string sha256, CancellationToken cancellationToken)
    {
        var file = new FileInfo(PathOf(sha256));
        return Task.FromResult(file.Exists ? new BlobLocation(file.Length, file.FullName, null) : null);
    }

    public Task CommitAsync(string sha256, string verifiedFile, long size, CancellationToken cancellationToken)
    {
        string target = PathOf(sha256);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        try
        {
            // No overwrite: a blob that exists already holds these bytes (dedup), and it may be being read.
            File.Move(verifiedFile, target, overwrite: false);
        }
        catch (IOException) when (File.Exists(target))
        {
        }

        return Task.CompletedTask;
    }

    public Task PingAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(root);
        return Task.CompletedTask;
    }
}
