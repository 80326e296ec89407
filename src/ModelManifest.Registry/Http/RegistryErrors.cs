namespace ModelManifest.Registry.Http;

/// <summary>The registry's diagnostic ids (MM3001–MM3099), each documented in docs/diagnostics.md.</summary>
internal static class RegistryErrors
{
    /// <summary>A version is already published with other asset digests (409).</summary>
    public const string VersionConflict = "MM3001";

    /// <summary>The body is not JSON (400).</summary>
    public const string BadJson = "MM3002";

    /// <summary>The manifest breaks the manifest contract (422, with diagnostics).</summary>
    public const string InvalidManifest = "MM3003";

    /// <summary>No such model, version, alias, file or job (404).</summary>
    public const string NotFound = "MM3004";

    /// <summary>Blobs a publish names are not in the blob store (409).</summary>
    public const string MissingBlobs = "MM3005";

    /// <summary>No such blob (404).</summary>
    public const string BlobNotFound = "MM3006";

    /// <summary>Uploaded bytes do not match the declared sha256 or length (400): nothing stored.</summary>
    public const string DigestMismatch = "MM3007";

    /// <summary>An id, version, alias, stage, sha256 or file name in the request is malformed (400).</summary>
    public const string InvalidName = "MM3008";

    /// <summary>No token or an unknown/revoked token (401).</summary>
    public const string Unauthenticated = "MM3009";

    /// <summary>The token lacks the scope (403).</summary>
    public const string Forbidden = "MM3010";

    /// <summary>Too many failed authentication attempts from this client (429).</summary>
    public const string TooManyFailedAttempts = "MM3011";

    /// <summary>The request body is larger than allowed (413).</summary>
    public const string BodyTooLarge = "MM3012";

    /// <summary>A JSON request body has unknown or missing fields, or the request is otherwise malformed (400).</summary>
    public const string BadRequest = "MM3013";

    /// <summary>A resumable upload chunk does not start where the held bytes end (416).</summary>
    public const string UploadOffsetMismatch = "MM3014";

    /// <summary>A register-by-URL job could not download the checkpoint.</summary>
    public const string JobDownloadFailed = "MM3015";

    /// <summary>A register-by-URL job downloaded a file it could not read as a checkpoint or publish.</summary>
    public const string JobCheckpointFailed = "MM3016";

    /// <summary>A register-by-URL job was interrupted (restarts) too often and is given up.</summary>
    public const string JobInterrupted = "MM3017";

    /// <summary>A blob upload without Content-Length (411).</summary>
    public const string LengthRequired = "MM3018";

    /// <summary>The database or the blob store does not answer (503).</summary>
    public const string StorageUnavailable = "MM3019";

    /// <summary>The manifest does not hold exactly the model id and version of the URL (422).</summary>
    public const string ManifestMismatch = "MM3021";

    /// <summary>A start-up option is invalid (the process exits with code 2).</summary>
    public const string InvalidConfiguration = "MM3022";

    /// <summary>An unexpected server error (500): logged with a trace id, never a stack trace in the answer.</summary>
    public const string Internal = "MM3099";
}
