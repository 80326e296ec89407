using ModelManifest.Assets;
using ModelManifest.Sources.S3;

// The runtime's source factory loads this assembly by name when an s3:// location is first used and creates the
// providers this attribute names: referencing the package is all an app, the build or the CLI needs.
[assembly: AssetSourceProvider(typeof(S3AssetSourceProvider))]

namespace ModelManifest.Sources.S3;

/// <summary>
/// The <c>s3</c> kind: <c>s3://bucket/prefix</c> as an asset source (<see cref="S3AssetSource"/>) and as a push target
/// (<see cref="S3PushTarget"/>), with the settings of <see cref="S3Settings"/>. Internal: the factory creates it through the
/// assembly attribute, so the package adds no public API.
/// </summary>
internal sealed class S3AssetSourceProvider : IAssetSourceProvider
{
    public IReadOnlyList<string> Schemes { get; } = ["s3"];

    public IReadOnlyCollection<string>? SettingNames { get; } =
    [
        S3Settings.ProfileKey, S3Settings.RegionKey, S3Settings.EndpointKey, S3Settings.AccessKeyEnvironmentVariableKey,
        S3Settings.SecretKeyEnvironmentVariableKey, S3Settings.SessionTokenEnvironmentVariableKey, S3Settings.PathStyleKey,
        S3Settings.AnonymousKey, S3Settings.LayoutKey,
    ];

    public IAssetSource CreateSource(AssetSourceLocation location) =>
        new S3AssetSource(new S3Store(S3Settings.Parse(location)));

    public IAssetPushTarget? CreatePushTarget(AssetSourceLocation location) =>
        new S3PushTarget(new S3Store(S3Settings.Parse(location)));
}
