namespace ModelManifest.Assets;

/// <summary>
/// The model registry kind of source: <c>registry+https://host/</c>, <c>registry+http://host/</c>,
/// <c>registry://host/</c> (https), or any http(s) URL with <c>Kind="registry"</c>. Reads blobs by sha256 and is a push target.
/// </summary>
/// <remarks>Setting: <see cref="AssetSourceFactory.TokenEnvironmentVariableKey"/> names the environment variable holding a bearer token.</remarks>
internal sealed class RegistryAssetSourceProvider : IAssetSourceProvider
{
    /// <inheritdoc />
    public IReadOnlyList<string> Schemes { get; } = ["registry", "registry+http", "registry+https"];

    /// <inheritdoc />
    public IAssetSource CreateSource(AssetSourceLocation location) => new RegistryAssetSource(RegistryEndpoint.From(location), Credential(location));

    /// <inheritdoc />
    public IAssetPushTarget CreatePushTarget(AssetSourceLocation location) => new RegistryPushTarget(RegistryEndpoint.From(location), Credential(location));

    private static HttpCredential? Credential(AssetSourceLocation location) =>
        location.GetSetting(AssetSourceFactory.TokenEnvironmentVariableKey) is { } variable ? HttpCredential.BearerFromEnvironment(variable) : null;
}
