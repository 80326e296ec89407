using System.Globalization;

namespace ModelManifest.Assets;

/// <summary>
/// The <c>oci</c> kind: OCI registries as sources (<see cref="OciAssetSource"/>) and push targets
/// (<see cref="OciPushTarget"/>). Settings: <see cref="InsecureKey"/>, <see cref="UsernameEnvironmentVariableKey"/>,
/// <see cref="PasswordEnvironmentVariableKey"/>, and for pushing <see cref="ChunkSizeKey"/> and <see cref="MountFromKey"/>.
/// </summary>
internal sealed class OciAssetSourceProvider : IAssetSourceProvider
{
    /// <summary>Plain HTTP to a registry that is not on loopback (loopback registries always use it).</summary>
    public const string InsecureKey = "Insecure";

    /// <summary>Environment variable holding the registry user name (with <see cref="PasswordEnvironmentVariableKey"/>; replaces docker's config).</summary>
    public const string UsernameEnvironmentVariableKey = "UsernameEnvironmentVariable";

    /// <summary>Environment variable holding the registry password or access token.</summary>
    public const string PasswordEnvironmentVariableKey = "PasswordEnvironmentVariable";

    /// <summary>Push: blobs larger than this many bytes are uploaded in chunks of this size (default 256 MiB).</summary>
    public const string ChunkSizeKey = "ChunkSize";

    /// <summary>Push: a repository of the same registry to mount blobs from instead of uploading them.</summary>
    public const string MountFromKey = "MountFrom";

    /// <inheritdoc />
    public IReadOnlyList<string> Schemes { get; } = ["oci"];

    /// <inheritdoc />
    public IReadOnlyCollection<string>? SettingNames { get; } =
        [InsecureKey, UsernameEnvironmentVariableKey, PasswordEnvironmentVariableKey, ChunkSizeKey, MountFromKey];

    /// <inheritdoc />
    public IAssetSource CreateSource(AssetSourceLocation location) => new OciAssetSource(Client(location));

    /// <inheritdoc />
    public IAssetPushTarget CreatePushTarget(AssetSourceLocation location)
    {
        var client = Client(location);
        if (client.Reference.Digest is not null)
        {
            throw location.Invalid("names a digest: a push target is oci://host/repository or oci://host/repository:tag");
        }

        long chunkSize = OciBlobUploader.DefaultChunkSize;
        if (location.GetSetting(ChunkSizeKey) is { } text
            && (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out chunkSize) || chunkSize < 1))
        {
            throw location.Invalid($"has {ChunkSizeKey} '{text}', which is not a positive number of bytes");
        }

        return new OciPushTarget(client, chunkSize, location.GetSetting(MountFromKey));
    }

    private static OciRegistryClient Client(AssetSourceLocation location)
    {
        var reference = OciReference.Parse(location, location.GetBooleanSetting(InsecureKey, defaultValue: false));
        var credentials = new OciCredentialStore(location.GetSetting(UsernameEnvironmentVariableKey), location.GetSetting(PasswordEnvironmentVariableKey));
        return new OciRegistryClient(reference, credentials);
    }
}
