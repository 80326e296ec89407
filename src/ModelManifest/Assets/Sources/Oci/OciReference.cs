using System.Net;
using System.Text.RegularExpressions;

namespace ModelManifest.Assets;

/// <summary>
/// A parsed <c>oci://host[:port]/repository[:tag|@digest]</c> location: the registry, the repository in it, and the
/// artifact (a tag or a manifest digest; neither names just the repository, whose blobs are then found by digest).
/// </summary>
/// <remarks>
/// Loopback registries (127.0.0.0/8, ::1, <c>localhost</c>) are reached over plain HTTP as Docker does; every other
/// registry over HTTPS unless <c>Insecure=true</c> names it. <c>docker.io</c> means Docker Hub's API host, with
/// <c>library/</c> before one-segment repositories, as the Docker CLI reads such names.
/// </remarks>
internal sealed partial record OciReference
{
    private OciReference(string host, string repository, string? tag, string? digest, Uri registryUrl)
    {
        Host = host;
        Repository = repository;
        Tag = tag;
        Digest = digest;
        RegistryUrl = registryUrl;
    }

    /// <summary>The registry as written: host and optional port (<c>[::1]:5000</c>), the key of credential lookups.</summary>
    public string Host { get; }

    /// <summary>The repository path (<c>team/models/weather</c>).</summary>
    public string Repository { get; }

    /// <summary>The tag, or <see langword="null"/>.</summary>
    public string? Tag { get; }

    /// <summary>The manifest digest (<c>sha256:…</c>), or <see langword="null"/>; wins over <see cref="Tag"/>.</summary>
    public string? Digest { get; }

    /// <summary>The registry's API root (<c>http(s)://host[:port]/</c>).</summary>
    public Uri RegistryUrl { get; }

    /// <summary>The tag or digest a manifest request names, or <see langword="null"/> when the location names only the repository.</summary>
    public string? ManifestReference => Digest ?? Tag;

    /// <summary>The reference as users write it (never holds credentials).</summary>
    public override string ToString() => $"oci://{Host}/{Repository}" + (Digest is not null ? "@" + Digest : Tag is not null ? ":" + Tag : string.Empty);

    /// <summary>The same repository with another tag (a push names its tag from the model version when the location has none).</summary>
    public OciReference WithTag(string tag) => new(Host, Repository, tag, null, RegistryUrl);

    /// <summary>Whether <paramref name="tag"/> is a valid OCI tag.</summary>
    public static bool IsValidTag(string tag) => TagPattern().IsMatch(tag);

    /// <summary>Parses <paramref name="location"/>'s text.</summary>
    /// <exception cref="AssetException">MM1015: not a valid OCI reference.</exception>
    public static OciReference Parse(AssetSourceLocation location, bool insecure)
    {
        string text = location.Text;
        const string Prefix = "oci://";
        string rest = text.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase) ? text[Prefix.Length..] : text;
        int slash = rest.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0)
        {
            throw location.Invalid("is not an OCI reference: write oci://host[:port]/repository[:tag|@digest]");
        }

        string host = rest[..slash];
        string path = rest[(slash + 1)..];
        if (host.Contains('@', StringComparison.Ordinal))
        {
            throw location.Invalid("holds user info: OCI credentials come from docker's config.json, credential helpers or the UsernameEnvironmentVariable/PasswordEnvironmentVariable settings, never from the location");
        }

        if (!Uri.TryCreate("http://" + host + "/", UriKind.Absolute, out Uri? hostUrl) || hostUrl.Authority.Length == 0 || hostUrl.AbsolutePath != "/")
        {
            throw location.Invalid($"names the registry '{host}', which is not a host[:port]");
        }

        string? digest = null;
        int at = path.IndexOf('@', StringComparison.Ordinal);
        if (at >= 0)
        {
            digest = path[(at + 1)..];
            path = path[..at];
            if (!DigestPattern().IsMatch(digest))
            {
                throw location.Invalid($"has the digest '{digest}', which is not algorithm:hex (sha256:…)");
            }
        }

        string? tag = null;
        int colon = path.LastIndexOf(':');
        if (colon >= 0 && colon > path.LastIndexOf('/'))
        {
            tag = path[(colon + 1)..];
            path = path[..colon];
            if (!IsValidTag(tag))
            {
                throw location.Invalid($"has the tag '{tag}', which is not a valid OCI tag (letters, digits, '_', '.', '-'; at most 128)");
            }
        }

        if (!RepositoryPattern().IsMatch(path))
        {
            throw location.Invalid($"has the repository '{path}', which is not a valid OCI repository (lower-case path segments of letters, digits and '.', '_', '-')");
        }

        string apiHost = host;
        if (IsDockerHub(host))
        {
            apiHost = "registry-1.docker.io";
            path = path.Contains('/', StringComparison.Ordinal) ? path : "library/" + path;
        }

        string scheme = insecure || IsLoopback(hostUrl.Host) ? Uri.UriSchemeHttp : Uri.UriSchemeHttps;
        var registry = new Uri($"{scheme}://{apiHost}/");
        return new OciReference(host, path, tag, digest, registry);
    }

    /// <summary>127.0.0.0/8, ::1 and <c>localhost</c>: reached over plain HTTP, as Docker does.</summary>
    internal static bool IsLoopback(string host) =>
        host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
        || (IPAddress.TryParse(host.Trim('[', ']'), out IPAddress? address) && IPAddress.IsLoopback(address));

    private static bool IsDockerHub(string host) =>
        host.Equals("docker.io", StringComparison.OrdinalIgnoreCase) || host.Equals("index.docker.io", StringComparison.OrdinalIgnoreCase);

    /// <summary>The distribution spec's repository name grammar.</summary>
    [GeneratedRegex(@"^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*)*$", RegexOptions.CultureInvariant)]
    private static partial Regex RepositoryPattern();

    [GeneratedRegex(@"^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$", RegexOptions.CultureInvariant)]
    private static partial Regex TagPattern();

    [GeneratedRegex(@"^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$", RegexOptions.CultureInvariant)]
    private static partial Regex DigestPattern();
}
