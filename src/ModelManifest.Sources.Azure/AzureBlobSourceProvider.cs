using ModelManifest.Assets;
using ModelManifest.Sources.Azure;

[assembly: AssetSourceProvider(typeof(AzureBlobSourceProvider))]

namespace ModelManifest.Sources.Azure;

/// <summary>
/// Azure Blob Storage as a kind of asset source and push target: <c>azblob://account/container/prefix</c>, the
/// <c>https://account.blob.core.windows.net/container/prefix</c> form, and path-style emulator URLs with
/// <c>Kind=azblob</c>. Referencing this package is enough: the source factory loads it the first time the
/// <c>azblob</c> scheme is used. Register it yourself (<see cref="AssetSourceProviders.Register"/>) only where assemblies
/// cannot be loaded by name (trimmed or native AOT apps).
/// </summary>
/// <remarks>
/// Settings: <c>Layout</c>, <c>ServiceUri</c> (alias <c>Endpoint</c>), <c>ConnectionStringEnvironmentVariable</c>,
/// <c>SasTokenEnvironmentVariable</c>, <c>Anonymous</c>. Credentials come from <c>AZURE_STORAGE_CONNECTION_STRING</c>,
/// <c>AZURE_STORAGE_ACCOUNT</c> + <c>AZURE_STORAGE_KEY</c>, <c>AZURE_STORAGE_SAS_TOKEN</c>, then
/// <c>DefaultAzureCredential</c> — never from the location or its settings. See docs/sources.md.
/// </remarks>
public sealed class AzureBlobSourceProvider : IAssetSourceProvider
{
    /// <summary>The scheme this provider serves.</summary>
    public const string Scheme = "azblob";

    /// <inheritdoc />
    public IReadOnlyList<string> Schemes { get; } = [Scheme];

    /// <inheritdoc />
    public IReadOnlyCollection<string>? SettingNames { get; } =
    [
        AzureBlobLocation.ServiceUriKey, AzureBlobLocation.EndpointKey, AzureBlobLocation.ConnectionStringEnvironmentVariableKey,
        AzureBlobLocation.SasTokenEnvironmentVariableKey, AzureBlobLocation.AnonymousKey, AzureBlobLocation.LayoutKey,
    ];

    /// <inheritdoc />
    public IAssetSource CreateSource(AssetSourceLocation location)
    {
        ArgumentNullException.ThrowIfNull(location);
        return new AzureBlobAssetSource(AzureBlobLocation.Parse(location), Environment.GetEnvironmentVariable);
    }

    /// <inheritdoc />
    public IAssetPushTarget? CreatePushTarget(AssetSourceLocation location)
    {
        ArgumentNullException.ThrowIfNull(location);
        return new AzureBlobPushTarget(AzureBlobLocation.Parse(location), Environment.GetEnvironmentVariable);
    }
}
