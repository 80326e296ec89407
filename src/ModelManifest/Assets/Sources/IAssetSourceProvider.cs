namespace ModelManifest.Assets;

/// <summary>
/// A kind of source that locations of one or more URL schemes name (<c>s3://</c>, <c>azblob://</c>, <c>oci://</c>, …).
/// The one source factory behind the CLI's <c>--source</c>, the build's <c>ModelAssetSource</c> items and the runtime's
/// configuration asks the provider of a location's scheme to build the source, so a kind added here is usable from all
/// three at once.
/// </summary>
/// <remarks>
/// <para>A provider in its own assembly announces itself with <see cref="AssetSourceProviderAttribute"/>; the factory
/// loads the assemblies of the project's own optional source packages (<c>ModelManifest.Sources.S3</c>,
/// <c>ModelManifest.Sources.Azure</c>) by name when their scheme is first used, so an app that references such a package
/// needs no code to enable it. Other providers are added with <see cref="AssetSourceProviders.Register"/>.</para>
/// <para>Credentials come from environment variables or credential chains, never from the location or its settings,
/// and never appear in <see cref="IAssetSource.Name"/> or in an error message.</para>
/// </remarks>
public interface IAssetSourceProvider
{
    /// <summary>The URL schemes (without <c>:</c>) this provider builds sources for, also accepted as a <c>Kind</c> setting.</summary>
    IReadOnlyList<string> Schemes { get; }

    /// <summary>
    /// The names of the settings this kind reads (as a <c>ModelAssetSource</c> item's metadata or the CLI's
    /// <c>--source-setting Name=Value</c>), so that a misspelt setting on the command line is an error rather than
    /// silently ignored; empty when the kind takes none. <see langword="null"/> (the default): not declared, nothing is checked.
    /// </summary>
    IReadOnlyCollection<string>? SettingNames => null;

    /// <summary>Builds the source that <paramref name="location"/> names.</summary>
    /// <exception cref="AssetException">The location or one of its settings is invalid (use <see cref="AssetSourceLocation.Invalid"/>).</exception>
    IAssetSource CreateSource(AssetSourceLocation location);

    /// <summary>Builds a target that <c>modelmanifest push --to</c> uploads models to, or <see langword="null"/> when this kind cannot be pushed to.</summary>
    /// <exception cref="AssetException">The location or one of its settings is invalid.</exception>
    IAssetPushTarget? CreatePushTarget(AssetSourceLocation location) => null;
}
