namespace ModelManifest.Build.Tasks;

/// <summary>
/// Every MSBuild item, item-metadata and property name the package reads, in one place. The targets
/// (build/ModelManifest.Build.targets) document the same names in their header; messages name them from here, so an
/// error always says exactly what to write.
/// </summary>
internal static class Names
{
    /// <summary>Metadata our targets put on a library's <c>ModelAssetSource</c> items flowing to an app: the library's folder (relative folders are relative to it).</summary>
    public const string ProjectDirectoryMetadata = "ModelManifestProjectDirectory";

    /// <summary>Item: a folder or http(s) URL to fetch assets from, or a user source type.</summary>
    public const string SourceItem = "ModelAssetSource";

    /// <summary>Item: a model (by id) whose assets are bundled; none means every asset a model references.</summary>
    public const string BundleItem = "ModelBundle";

    /// <summary>ModelAssetSource metadata: lower is asked first (integer, default 0).</summary>
    public const string Priority = "Priority";

    /// <summary>ModelAssetSource metadata (folders): where files sit in the folder, one of <see cref="Assets.DirectoryLayout"/>.</summary>
    public const string Layout = "Layout";

    /// <summary>ModelAssetSource metadata (URLs): the path below the base URL, from the tokens {id}, {tag}, {fileName}, {sha256}.</summary>
    public const string PathTemplate = "PathTemplate";

    /// <summary>ModelAssetSource metadata (URLs): the environment variable holding a bearer token.</summary>
    public const string TokenEnvironmentVariable = "TokenEnvironmentVariable";

    /// <summary>ModelAssetSource metadata (URLs): the environment variable holding basic credentials (user:password).</summary>
    public const string BasicAuthEnvironmentVariable = "BasicAuthEnvironmentVariable";

    /// <summary>ModelAssetSource metadata: the full name of a user type implementing IAssetSource.</summary>
    public const string Type = "Type";

    /// <summary>ModelAssetSource metadata: the assembly holding <see cref="Type"/>.</summary>
    public const string AssemblyFile = "AssemblyFile";

    /// <summary>ModelBundle metadata: the model version (default: the latest).</summary>
    public const string Version = "Version";

    /// <summary>ModelBundle metadata: only the assets with these tags (semicolon-separated).</summary>
    public const string Tags = "Tags";

    /// <summary>Property: Auto, Reflink, Hardlink or Copy.</summary>
    public const string LinkModeProperty = "ModelAssetLinkMode";

    /// <summary>Property: Fast or Full.</summary>
    public const string VerifyProperty = "ModelAssetVerify";

    /// <summary>Property: true/false; also on when MODELMANIFEST_OFFLINE is 1 or true.</summary>
    public const string OfflineProperty = "ModelAssetsOffline";

    /// <summary>Property: true/false, whether the manifests' own urls are tried after every source.</summary>
    public const string UseUrlHintsProperty = "ModelAssetUseUrlHints";

    /// <summary>Property: the bundle folder, relative to the output folder.</summary>
    public const string BundleDirectoryProperty = "ModelAssetBundleDirectory";

    /// <summary>Property: how many assets are fetched at once (whole number, at least 1).</summary>
    public const string MaxConcurrentAssetsProperty = "ModelAssetMaxConcurrentAssets";

    /// <summary>Property: the most connections one large asset is fetched over (whole number, at least 1; 1 turns splitting off).</summary>
    public const string MaxConnectionsPerAssetProperty = "ModelAssetMaxConnectionsPerAsset";

    /// <summary>Property: assets smaller than this many bytes are fetched as one stream (whole number, at least 1).</summary>
    public const string MinSplitSizeProperty = "ModelAssetMinSplitSize";
}
