namespace ModelManifest.Assets;

/// <summary>
/// The model registry kind of source: <c>registry+https://host/</c>, <c>registry+http://host/</c>,
/// <c>registry://host/</c> (https), or any http(s) URL with <c>Kind="registry"</c>. Reads blobs by sha256 and is a push target.
/// </summary>
/// <remarks>
/// Settings: <see cref="AssetSourceFactory.TokenEnvironmentVariableKey"/> names the environment variable holding a bearer
/// token; <see cref="RegistryPushTarget.UploadChunkSizeKey"/> caps the bytes per upload request of a push.
/// </remarks>
internal sealed class RegistryAssetSourceProvider : IAssetSourceProvider
{
    /// <inheritdoc />
    public IReadOnlyList<string> Schemes { get; } = ["registry", "registry+http", "registry+https"];

    /// <inheritdoc />
    public IReadOnlyCollection<string>? SettingNames { get; } = [RegistryPushTarget.UploadChunkSizeKey, AssetSourceFactory.TokenEnvironmentVariableKey];

    /// <inheritdoc />
    public IAssetSource CreateSource(AssetSourceLocation location) => new RegistryAssetSource(RegistryEndpoint.From(location), Credential(location));

    /// <inheritdoc />
    public IAssetPushTarget CreatePushTarget(AssetSourceLocation location) => new RegistryPushTarget(RegistryEndpoint.From(location), Credential(location))
    {
        ChunkSize = ChunkSize(location),
    };

    /// <summary>The <see cref="RegistryPushTarget.UploadChunkSizeKey"/> setting: a whole number of bytes, at least 1 MiB.</summary>
    private static long ChunkSize(AssetSourceLocation location)
    {
        if (location.GetSetting(RegistryPushTarget.UploadChunkSizeKey) is not { } text)
        {
            return RegistryPushTarget.DefaultChunkSize;
        }

        return long.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long bytes) && bytes >= 1 << 20
            ? bytes
            : throw location.Invalid($"has {RegistryPushTarget.UploadChunkSizeKey} '{text}', which is not a whole number of bytes of at least 1048576");
    }

    private static HttpCredential? Credential(AssetSourceLocation location) =>
        location.GetSetting(AssetSourceFactory.TokenEnvironmentVariableKey) is { } variable ? HttpCredential.BearerFromEnvironment(variable) : null;
}
