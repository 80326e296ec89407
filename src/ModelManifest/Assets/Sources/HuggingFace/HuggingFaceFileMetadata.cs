namespace ModelManifest.Assets;

/// <summary>
/// What the hub says about one file without sending it (the answer to <c>HEAD …/resolve/{revision}/{path}</c>).
/// </summary>
/// <param name="Commit"><c>X-Repo-Commit</c>: the commit the revision resolved to, or <see langword="null"/>.</param>
/// <param name="Etag">
/// <c>X-Linked-Etag</c> (an LFS file: its sha256), else <c>ETag</c> (a small file kept in git: its git blob sha1), without
/// quotes or the weak prefix; <see langword="null"/> when neither was sent.
/// </param>
/// <param name="Size"><c>X-Linked-Size</c> (LFS), else <c>Content-Length</c>; <see langword="null"/> when neither was sent.</param>
internal sealed record HuggingFaceFileMetadata(string? Commit, string? Etag, long? Size)
{
    /// <summary>The file's sha256 when the hub gave it (an LFS file's etag is its sha256), else <see langword="null"/>.</summary>
    public string? Sha256 => Etag is { Length: 64 } etag && etag.All(char.IsAsciiHexDigit) ? etag.ToLowerInvariant() : null;
}
