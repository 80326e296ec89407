namespace ModelManifest.Assets;

/// <summary>Stable diagnostic ids of the asset engine (<c>MM10xx</c>). An id never changes meaning once shipped.</summary>
public static class AssetDiagnosticIds
{
    /// <summary>No source could provide the asset; the error lists every source and what it said.</summary>
    public const string NotFoundInAnySource = "MM1001";

    /// <summary>Offline mode is on and the asset is neither cached nor available from a local source.</summary>
    public const string OfflineNotAvailable = "MM1002";

    /// <summary>The asset description is unsafe or malformed (id, tag, file name, sha256 or size).</summary>
    public const string InvalidAsset = "MM1003";

    /// <summary>A source delivered bytes whose sha256 differs from the manifest.</summary>
    public const string HashMismatch = "MM1004";

    /// <summary>A source delivered a different number of bytes than the manifest states.</summary>
    public const string SizeMismatch = "MM1005";

    /// <summary>A source failed to deliver (network error, time-out, stall, server error, I/O error).</summary>
    public const string TransportError = "MM1006";

    /// <summary>An HTTP path template or URL is unsafe or malformed.</summary>
    public const string InvalidUrlTemplate = "MM1007";

    /// <summary>A cached blob failed verification and was removed.</summary>
    public const string CacheCorrupt = "MM1008";

    /// <summary>An asset could not be materialized into the target folder.</summary>
    public const string MaterializeFailed = "MM1009";

    /// <summary>The bundle index is missing fields, malformed, or points outside the bundle folder.</summary>
    public const string InvalidBundleIndex = "MM1010";

    /// <summary>The source does not have the asset (for example HTTP 404/403, file missing).</summary>
    public const string NotInSource = "MM1011";

    /// <summary>No sources are registered.</summary>
    public const string NoSources = "MM1012";

    /// <summary>The cache volume is full (or over quota): not a source's failure, so no other source is tried; the partial download is removed.</summary>
    public const string DiskFull = "MM1013";

    /// <summary>A source's credential is unusable as configured (for example a token with non-ASCII characters): a configuration error, never retried.</summary>
    public const string InvalidCredential = "MM1014";

    /// <summary>A configuration value of the engine (for example in the <c>ModelManifest</c> configuration section) is not valid.</summary>
    public const string InvalidConfiguration = "MM1030";

    /// <summary>A source location cannot become a source: an unsupported scheme (or a typo of one), a malformed URL, or an invalid setting.</summary>
    public const string InvalidSourceLocation = "MM1015";
}
