using System.Text.RegularExpressions;

namespace ModelManifest.Assets;

/// <summary>
/// The one place a source <em>location</em> (what a user writes after <c>--source</c>, in a <c>ModelAssetSource</c> item or
/// in configuration) becomes an <see cref="IAssetSource"/>. The CLI, the MSBuild task and the DI companion all build
/// their sources here, so every front end accepts the same forms with the same settings and the same errors.
/// </summary>
/// <remarks>
/// <para>Forms: <c>http://…</c> and <c>https://…</c> (an <see cref="HttpAssetSource"/> below that base URL);
/// <c>file:///folder</c>, an absolute folder path or a relative one (a <see cref="DirectoryAssetSource"/>; relative to
/// <c>baseDirectory</c>, by default the current directory).</para>
/// <para>New kinds of source (s3://, azblob://, oci://, hf://, a registry) plug in as one more row of the scheme table.
/// Anything that looks like a URL (<c>scheme:</c> with a scheme of two or more letters) but has no row is rejected with
/// <see cref="AssetDiagnosticIds.InvalidSourceLocation"/>: a typo such as <c>htp://</c> or a kind this version does not know
/// must never quietly become a folder that holds nothing. A folder whose name contains a colon is written <c>./a:b</c>.</para>
/// <para>A folder that does not exist is accepted, not an error: mounts and mirrors appear later, offline builds
/// legitimately name absent folders, and the folder source then answers "not in source" for every asset, naming the
/// folder in the attempt list of the final error.</para>
/// <para>Settings (case-insensitive keys, unknown keys ignored so MSBuild items can carry their own):
/// <see cref="LayoutKey"/> for folders; <see cref="PathTemplateKey"/>, <see cref="TokenEnvironmentVariableKey"/> and
/// <see cref="BasicAuthEnvironmentVariableKey"/> for HTTP. Credentials are named by environment variable, never given
/// inline, and locations are printed redacted.</para>
/// </remarks>
internal static partial class AssetSourceFactory
{
    /// <summary>Folder layouts to try: a comma-separated list of <see cref="DirectoryLayout"/> names (default: all).</summary>
    public const string LayoutKey = "Layout";

    /// <summary>The HTTP path template below the base URL (see <see cref="HttpAssetSourceOptions.PathTemplate"/>).</summary>
    public const string PathTemplateKey = "PathTemplate";

    /// <summary>Environment variable holding a bearer token for an HTTP source.</summary>
    public const string TokenEnvironmentVariableKey = "TokenEnvironmentVariable";

    /// <summary>Environment variable holding <c>user:password</c> for HTTP basic authentication.</summary>
    public const string BasicAuthEnvironmentVariableKey = "BasicAuthEnvironmentVariable";

    /// <summary>Priority of the manifests' own URL hints: after every configured source.</summary>
    public const int UrlHintPriority = int.MaxValue;

    /// <summary>Setting that names the kind of source instead of the location's scheme (a scheme name, e.g. <c>registry</c> for an https URL).</summary>
    public const string KindKey = "Kind";

    /// <summary>The built-in scheme table; other kinds come from <see cref="AssetSourceProviders"/>.</summary>
    private static readonly Dictionary<string, Func<AssetSourceLocation, IAssetSource>> s_builders = new(StringComparer.OrdinalIgnoreCase)
    {
        ["http"] = Http,
        ["https"] = Http,
        ["file"] = FileUrl,
    };

    /// <summary>The forms a location may take, for error messages.</summary>
    internal const string SupportedForms = "a folder path, file:///folder, http://host/path, https://host/path, s3://bucket/prefix, azblob://account/container/prefix, oci://host[:port]/repository[:tag|@digest], hf://namespace/repository[@revision], a registry URL (Kind=registry), hf-cache:// or ollama-store://";

    /// <summary>Builds the source a location names.</summary>
    /// <param name="location">A folder path or a URL of a supported scheme.</param>
    /// <param name="settings">Settings of the source (see the remarks of this class), or <see langword="null"/>.</param>
    /// <param name="baseDirectory">Folder that a relative folder path is relative to; by default the current directory.</param>
    /// <exception cref="AssetException"><see cref="AssetDiagnosticIds.InvalidSourceLocation"/>: unsupported scheme, malformed URL or invalid setting.</exception>
    public static IAssetSource Create(string location, IReadOnlyDictionary<string, string>? settings = null, string? baseDirectory = null)
    {
        var source = Parse(location, settings, baseDirectory, out bool isFolder);
        if (isFolder)
        {
            return Folder(source, Path.GetFullPath(source.Text, source.BaseDirectory));
        }

        if (s_builders.TryGetValue(source.Scheme, out var build))
        {
            return build(source);
        }

        return Provider(source).CreateSource(source);
    }

    /// <summary>
    /// Checks that every setting given is one the location's kind reads (plus <see cref="KindKey"/>): the CLI's
    /// <c>--source-setting</c> must not let a typo pass unnoticed. MSBuild items are not checked here, since they carry
    /// metadata of their own. A kind whose provider does not declare its settings is not checked.
    /// </summary>
    /// <param name="location">The location as written.</param>
    /// <param name="settings">All its settings (a <see cref="KindKey"/> among them selects the kind).</param>
    /// <param name="names">The names to check (by default every setting's).</param>
    /// <param name="pushTarget">Whether the location is a push target (for the message).</param>
    /// <param name="baseDirectory">Folder that a relative folder path is relative to.</param>
    /// <exception cref="AssetException"><see cref="AssetDiagnosticIds.InvalidSourceLocation"/>: a setting this kind does not read.</exception>
    public static void CheckSettingNames(string location, IReadOnlyDictionary<string, string> settings, IEnumerable<string>? names = null, bool pushTarget = false, string? baseDirectory = null)
    {
        var source = Parse(location, settings, baseDirectory, out bool isFolder);
        if (SettingNamesOf(source, isFolder, out string kind) is not { } known)
        {
            return;
        }

        foreach (string name in names ?? settings.Keys)
        {
            if (!name.Equals(KindKey, StringComparison.OrdinalIgnoreCase) && !known.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                throw source.Invalid(known.Count == 0
                    ? $"has the setting '{name}', but {kind} {(pushTarget ? "targets" : "sources")} take no settings"
                    : $"has the setting '{name}', which {kind} {(pushTarget ? "targets" : "sources")} do not read; their settings are {string.Join(", ", known.Order(StringComparer.Ordinal))} and {KindKey} (docs/sources.md)");
            }
        }
    }

    /// <summary>
    /// The settings the location's kind reads (besides <see cref="KindKey"/>), or <see langword="null"/> when its provider
    /// does not declare them.
    /// </summary>
    /// <param name="location">The location as written.</param>
    /// <param name="settings">Its settings (a <see cref="KindKey"/> among them selects the kind), or <see langword="null"/>.</param>
    /// <param name="kind">The kind as messages name it: "folder", "s3://", ….</param>
    /// <param name="baseDirectory">Folder that a relative folder path is relative to.</param>
    /// <exception cref="AssetException"><see cref="AssetDiagnosticIds.InvalidSourceLocation"/>: the location itself is invalid.</exception>
    public static IReadOnlyCollection<string>? SettingNamesOf(string location, IReadOnlyDictionary<string, string>? settings, out string kind, string? baseDirectory = null)
    {
        var source = Parse(location, settings, baseDirectory, out bool isFolder);
        return SettingNamesOf(source, isFolder, out kind);
    }

    private static IReadOnlyCollection<string>? SettingNamesOf(AssetSourceLocation source, bool isFolder, out string kind)
    {
        kind = isFolder ? "folder" : source.Scheme + "://";
        return isFolder || source.Scheme == "file" ? [LayoutKey]
            : (source.Scheme is "http" or "https") && AzureBlobHost(source) is null ? [PathTemplateKey, TokenEnvironmentVariableKey, BasicAuthEnvironmentVariableKey]
            : (AzureBlobHost(source) ?? Provider(source)).SettingNames;
    }

    /// <summary>Whether a URL scheme names a kind of source this process can build (built in, registered or loadable).</summary>
    /// <param name="scheme">The scheme, without <c>:</c>.</param>
    /// <param name="missingPackage">When not: the optional package that would serve it, if any.</param>
    public static bool IsKnownScheme(string scheme, out string? missingPackage)
    {
        missingPackage = null;
        return s_builders.ContainsKey(scheme) || AssetSourceProviders.TryGet(scheme, out _, out missingPackage);
    }

    /// <summary>Builds the push target a location names (<c>modelmanifest push --to</c>).</summary>
    /// <exception cref="AssetException"><see cref="AssetDiagnosticIds.InvalidSourceLocation"/>: unsupported scheme, a kind that cannot be pushed to, or invalid setting.</exception>
    public static IAssetPushTarget CreatePushTarget(string location, IReadOnlyDictionary<string, string>? settings = null, string? baseDirectory = null)
    {
        var source = Parse(location, settings, baseDirectory, out bool isFolder);
        if (!isFolder && AzureBlobHost(source)?.CreatePushTarget(source) is { } azure)
        {
            return azure;
        }

        if (isFolder || s_builders.ContainsKey(source.Scheme))
        {
            throw source.Invalid("cannot be pushed to: push targets are s3://, azblob://, oci:// and registry URLs");
        }

        return Provider(source).CreatePushTarget(source)
            ?? throw source.Invalid($"names a kind of source ('{source.Scheme}') that cannot be pushed to");
    }

    /// <summary>Splits a location into its scheme (or the <see cref="KindKey"/> setting) and settings; folders have no scheme.</summary>
    private static AssetSourceLocation Parse(string location, IReadOnlyDictionary<string, string>? settings, string? baseDirectory, out bool isFolder)
    {
        ArgumentNullException.ThrowIfNull(location);
        string text = location.Trim();
        string directory = baseDirectory ?? Directory.GetCurrentDirectory();
        var match = UrlScheme().Match(text);
        string scheme = match.Success ? match.Groups["scheme"].Value.ToLowerInvariant() : string.Empty;
        var probe = new AssetSourceLocation(text, scheme, settings, directory);
        if (text.Length == 0)
        {
            throw Invalid(probe, "is empty");
        }

        if (probe.GetSetting(KindKey) is { } kind && !kind.Equals("folder", StringComparison.OrdinalIgnoreCase)
            && !kind.Equals(scheme, StringComparison.OrdinalIgnoreCase))
        {
            isFolder = false;
            return new AssetSourceLocation(text, kind.ToLowerInvariant(), settings, directory);
        }

        isFolder = !match.Success;
        if (isFolder)
        {
            return probe;
        }

        if (!match.Groups["slashes"].Success)
        {
            throw Invalid(probe, $"is missing '//' after '{scheme}:'");
        }

        return probe;
    }

    /// <summary>The provider of a location's scheme, or the error that says which package to add or that the scheme is unknown.</summary>
    private static IAssetSourceProvider Provider(AssetSourceLocation source)
    {
        if (AssetSourceProviders.TryGet(source.Scheme, out var provider, out string? missingPackage))
        {
            return provider;
        }

        throw missingPackage is not null
            ? source.Invalid($"needs the package {missingPackage}: add <PackageReference Include=\"{missingPackage}\" /> to the project (the build package and the CLI include it)")
            : Invalid(source, $"uses the scheme '{source.Scheme}:', which this version does not support");
    }

    /// <summary>The source that downloads from the URLs the manifests themselves list, asked after every configured source.</summary>
    public static HttpAssetSource CreateUrlHints() => new(new HttpAssetSourceOptions { UseUrlHints = true, Name = "manifest urls" });

    private static IAssetSource Http(AssetSourceLocation source)
    {
        if (!Uri.TryCreate(source.Text, UriKind.Absolute, out Uri? url) || url.Host.Length == 0)
        {
            throw Invalid(source, "is not a valid URL");
        }

        if (AzureBlobHost(source) is { } azure)
        {
            return azure.CreateSource(source);
        }

        // A base URL names a folder on the server: without the slash, relative resolution would drop its last segment.
        var options = new HttpAssetSourceOptions
        {
            BaseUrl = url.AbsolutePath.EndsWith('/') ? url : new UriBuilder(url) { Path = url.AbsolutePath + "/" }.Uri,
            UseUrlHints = false,
        };
        if (source.GetSetting(PathTemplateKey) is { } template)
        {
            options.PathTemplate = template;
        }

        if (source.GetSetting(TokenEnvironmentVariableKey) is { } token)
        {
            options.Credential = HttpCredential.BearerFromEnvironment(token);
        }
        else if (source.GetSetting(BasicAuthEnvironmentVariableKey) is { } basic)
        {
            options.Credential = HttpCredential.BasicFromEnvironment(basic);
        }

        return new HttpAssetSource(options);
    }

    /// <summary>For https://&lt;account&gt;.blob.core.windows.net/container/prefix: the azblob provider when its package is at hand (else it stays plain HTTP).</summary>
    private static IAssetSourceProvider? AzureBlobHost(AssetSourceLocation source) =>
        source.Scheme is "http" or "https" && Uri.TryCreate(source.Text, UriKind.Absolute, out Uri? url)
        && url.Host.EndsWith(".blob.core.windows.net", StringComparison.OrdinalIgnoreCase)
        && AssetSourceProviders.TryGet("azblob", out var provider, out _)
            ? provider
            : null;

    private static DirectoryAssetSource FileUrl(AssetSourceLocation source)
    {
        if (!Uri.TryCreate(source.Text, UriKind.Absolute, out Uri? url) || !url.IsFile
            || (url.Host.Length > 0 && !string.Equals(url.Host, "localhost", StringComparison.OrdinalIgnoreCase)))
        {
            throw Invalid(source, "is not an absolute file URL (file:///folder)");
        }

        return Folder(source, url.LocalPath);
    }

    private static DirectoryAssetSource Folder(AssetSourceLocation source, string root)
    {
        var layout = DirectoryLayout.All;
        if (source.GetSetting(LayoutKey) is { } value && !Enum.TryParse(value, ignoreCase: true, out layout))
        {
            throw Invalid(source, $"has {LayoutKey} '{value}', which is not one of {string.Join(", ", Enum.GetNames<DirectoryLayout>())}");
        }

        return new DirectoryAssetSource(root, layout);
    }

    private static AssetException Invalid(AssetSourceLocation source, string problem) =>
        source.Invalid($"{problem}. A source is {SupportedForms}");

    /// <summary>A scheme of two or more characters then ':' (one letter is a Windows drive), and whether '//' follows.</summary>
    [GeneratedRegex(@"^(?<scheme>[A-Za-z][A-Za-z0-9+.\-]+):(?<slashes>//)?", RegexOptions.CultureInvariant)]
    private static partial Regex UrlScheme();
}
