namespace ModelManifest.Registry.Blobs;

/// <summary>Where a stored blob can be read: a local file the registry serves, or a short-lived URL clients follow.</summary>
/// <param name="Size">The blob's length in bytes.</param>
/// <param name="FilePath">The file to send (folder store), or <see langword="null"/>.</param>
/// <param name="RedirectUrl">A presigned URL to answer 307 with (S3 store), or <see langword="null"/>.</param>
internal sealed record BlobLocation(long Size, string? FilePath, Uri? RedirectUrl);

/// <summary>
/// The content-addressed blob store: blobs named by their sha256, written once, never changed. Only verified bytes
/// reach it (<see cref="BlobUploads"/> hashes and checks them first), so whatever it holds is what its name says.
/// </summary>
internal interface IBlobStore
{
    /// <summary>A short description for logs (never a credential).</summary>
    string Description { get; }

    /// <summary>The blob's size when the store has it, else <see langword="null"/>.</summary>
    Task<long?> GetSizeAsync(string sha256, CancellationToken cancellationToken);

    /// <summary>Where to read the blob from, or <see langword="null"/> when the store does not have it.</summary>
    Task<BlobLocation?> LocateAsync(string sha256, CancellationToken cancellationToken);

    /// <summary>
    /// Makes the verified file <paramref name="verifiedFile"/> the blob <paramref name="sha256"/> (moved or copied; the
    /// caller deletes what is left). A blob already present is kept: the bytes are the same by construction.
    /// </summary>
    Task CommitAsync(string sha256, string verifiedFile, long size, CancellationToken cancellationToken);

    /// <summary>Answers when the store does (for /readyz).</summary>
    Task PingAsync(CancellationToken cancellationToken);
}
