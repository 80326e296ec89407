namespace ModelManifest.Build.Tasks;

/// <summary>
/// Ids the build adds to the engine's (MM10xx) and the reader's (MM0xxx): configuration mistakes an MSBuild
/// user can act on, and what the build itself reports. Every id has an anchor in docs/diagnostics.md.
/// </summary>
internal static class BuildDiagnosticIds
{
    /// <summary>A ModelAssetSource item that cannot be used (unknown URL scheme, bad PathTemplate, Priority or Layout).</summary>
    public const string InvalidSource = "MM1101";

    /// <summary>A user source type that cannot be loaded or created.</summary>
    public const string CustomSourceFailed = "MM1102";

    /// <summary>A property with a value outside its documented set.</summary>
    public const string InvalidProperty = "MM1103";

    /// <summary>A ModelBundle item naming no known model (or version).</summary>
    public const string UnknownBundleModel = "MM1104";

    /// <summary>Warning: a source failed for an asset that another source then served.</summary>
    public const string SourceSkipped = "MM1105";

    /// <summary>The disk filled up while downloading or bundling.</summary>
    public const string DiskFull = "MM1106";

    /// <summary>Warning: the build was canceled during resolution.</summary>
    public const string Canceled = "MM1107";

    /// <summary>
    /// Retired: was the warning that the .NET Framework MSBuild skipped resolution. That MSBuild now resolves out of
    /// process; the id stays reserved and is never reused.
    /// </summary>
    public const string UnsupportedMSBuild = "MM1108";

    /// <summary>Warning: a credential environment variable named by a ModelAssetSource item is not set.</summary>
    public const string CredentialVariableUnset = "MM1109";

    /// <summary>Warning: the folder of a ModelAssetSource item does not exist, so the source serves nothing.</summary>
    public const string SourceFolderMissing = "MM1110";

    /// <summary>
    /// Out-of-process resolution failed (reported by the targets): after the host's own errors, as the one line that
    /// fails the Exec; alone when the host exited without reporting why (no runtime, no dotnet on PATH).
    /// </summary>
    public const string OutOfProcessHostFailed = "MM1111";

    /// <summary>Warning: a ModelAssetSource item's metadata looks like a misspelt setting of its kind (it is ignored).</summary>
    public const string MisspeltSourceSetting = "MM1112";

    /// <summary>Whether an exception is ENOSPC / ERROR_DISK_FULL.</summary>
    public static bool IsDiskFull(IOException e) => (e.HResult & 0xFFFF) is 28 or 0x70 or 0x27;
}
