using System.Text.RegularExpressions;

namespace ModelManifest.Assets;

/// <summary>
/// A model repository on a Hugging Face hub as <c>hf://namespace/repo[@revision]</c> names it, and the hub's URLs for it.
/// The revision is a branch, a tag or a commit sha (pinning); by default <c>main</c>.
/// </summary>
internal sealed partial class HuggingFaceRepository
{
    /// <summary>The revision when the location names none.</summary>
    public const string DefaultRevision = "main";

    private HuggingFaceRepository(Uri endpoint, string ns, string name, string revision)
    {
        Endpoint = endpoint;
        Namespace = ns;
        Name = name;
        Revision = revision;
    }

    /// <summary>The hub's base URL (no trailing slash in its path).</summary>
    public Uri Endpoint { get; }

    public string Namespace { get; }

    public string Name { get; }

    public string Revision { get; }

    /// <summary><c>namespace/repo</c>.</summary>
    public string Id => Namespace + "/" + Name;

    /// <summary>The location as users write it, with the revision: safe for messages (it never holds a credential).</summary>
    public string Printable => $"hf://{Id}@{Revision}";

    /// <summary>The repository's page, where gated models' terms are accepted.</summary>
    public string PageUrl => Redactor.Url(new Uri(Base, Id));

    /// <summary>
    /// Parses <c>hf://namespace/repo[@revision]</c>; the endpoint is the <c>Endpoint</c> setting, else <c>HF_ENDPOINT</c>,
    /// else the public hub.
    /// </summary>
    public static HuggingFaceRepository Parse(AssetSourceLocation location, string? endpointSetting)
    {
        var match = Form().Match(location.Text);
        if (!match.Success)
        {
            throw location.Invalid("is not a Hugging Face repository: write hf://namespace/repo or hf://namespace/repo@revision (a branch, tag or commit)");
        }

        string endpointText = endpointSetting ?? HuggingFaceEnvironment.Endpoint;
        if (!Uri.TryCreate(endpointText, UriKind.Absolute, out Uri? endpoint) || (endpoint.Scheme != Uri.UriSchemeHttp && endpoint.Scheme != Uri.UriSchemeHttps)
            || endpoint.Query.Length > 0 || endpoint.UserInfo.Length > 0)
        {
            throw location.Invalid("has a hub endpoint (Endpoint setting or HF_ENDPOINT) that is not an http(s) URL without user name or query");
        }

        string revision = match.Groups["revision"].Success ? match.Groups["revision"].Value : DefaultRevision;
        return new HuggingFaceRepository(endpoint, match.Groups["ns"].Value, match.Groups["repo"].Value, revision);
    }

    /// <summary><c>{endpoint}/{ns}/{repo}/resolve/{revision}/{path}</c>, every part escaped (the revision as one segment, as the hub expects).</summary>
    public Uri ResolveUrl(string revision, string path) =>
        new(Base, $"{Id}/resolve/{Uri.EscapeDataString(revision)}/{string.Join('/', path.Split('/').Select(Uri.EscapeDataString))}");

    /// <summary><c>{endpoint}/api/models/{ns}/{repo}/revision/{revision}?blobs=true</c>: the file list with sizes and LFS sha256.</summary>
    public Uri RevisionInfoUrl() => new(Base, $"api/models/{Id}/revision/{Uri.EscapeDataString(Revision)}?blobs=true");

    /// <summary>Whether <paramref name="url"/> is on the hub itself (same scheme, host and port): the only place the token goes.</summary>
    public bool IsHub(Uri url) =>
        string.Equals(url.Scheme, Endpoint.Scheme, StringComparison.OrdinalIgnoreCase)
        && string.Equals(url.IdnHost, Endpoint.IdnHost, StringComparison.OrdinalIgnoreCase)
        && url.Port == Endpoint.Port;

    /// <summary>
    /// The repository path of a manifest hint URL of this repository (<c>…/{ns}/{repo}/resolve/{rev}/{path}</c> on any
    /// host, as <c>modelmanifest import</c> writes them), for files in subfolders; <see langword="null"/> when none is.
    /// </summary>
    public string? PathFromHint(string hint)
    {
        if (!Uri.TryCreate(hint, UriKind.Absolute, out Uri? url))
        {
            return null;
        }

        string marker = "/" + Id + "/resolve/";
        string path = url.AbsolutePath;
        int at = path.IndexOf(marker, StringComparison.Ordinal);
        if (at < 0)
        {
            return null;
        }

        string rest = path[(at + marker.Length)..];
        int slash = rest.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0 || slash == rest.Length - 1)
        {
            return null;
        }

        string file = Uri.UnescapeDataString(rest[(slash + 1)..]);
        return file.Split('/').Any(s => s is "" or "." or "..") ? null : file;
    }

    private Uri Base => Endpoint.AbsoluteUri.EndsWith('/') ? Endpoint : new Uri(Endpoint.AbsoluteUri + "/");

    /// <summary>hf://namespace/repo[@revision]: hub names are letters, digits, '.', '_' and '-'; a revision has no spaces or control characters.</summary>
    [GeneratedRegex(@"^hf://(?<ns>[A-Za-z0-9][A-Za-z0-9._\-]{0,95})/(?<repo>[A-Za-z0-9][A-Za-z0-9._\-]{0,95})(@(?<revision>[A-Za-z0-9][A-Za-z0-9._/\-]{0,199}))?/?$", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex Form();
}
