namespace ModelManifest.Assets;

/// <summary>
/// A model registry's base URL and the URLs of its HTTP API (docs/sources.md, "Registry"), built in one place so the
/// source, the push target and the CLI commands address the same endpoints with the same escaping.
/// </summary>
/// <remarks>
/// Accepted forms: <c>registry+https://host/prefix</c>, <c>registry+http://host/prefix</c>, <c>registry://host/prefix</c>
/// (https), and a plain <c>https://</c> or <c>http://</c> URL (what <c>--registry</c> takes, and a location with
/// <c>Kind="registry"</c>). A path prefix is kept (a registry behind a reverse proxy); a query, fragment or user name is
/// refused: credentials come from an environment variable, never from the URL.
/// </remarks>
internal sealed class RegistryEndpoint
{
    private RegistryEndpoint(Uri baseUrl) => BaseUrl = baseUrl;

    /// <summary>The base URL, ending with '/'; API paths are relative to it.</summary>
    public Uri BaseUrl { get; }

    /// <summary>The base URL for messages (no user info, no query).</summary>
    public string Printable => Redactor.Url(BaseUrl).TrimEnd('/');

    /// <summary>Parses a registry URL in one of the accepted forms, or says what is wrong with it (never echoing a secret).</summary>
    public static bool TryParse(string text, out RegistryEndpoint? endpoint, out string? problem)
    {
        endpoint = null;
        string trimmed = text.Trim();
        string url = trimmed;
        foreach (var (prefix, scheme) in new[] { ("registry+https://", "https://"), ("registry+http://", "http://"), ("registry://", "https://") })
        {
            if (trimmed.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            {
                url = scheme + trimmed[prefix.Length..];
                break;
            }
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out Uri? uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps) || uri.Host.Length == 0)
        {
            problem = "is not a registry URL (https://host/, http://host/, registry+https://host/ or registry+http://host/)";
            return false;
        }

        if (uri.Query.Length > 0 || uri.Fragment.Length > 0 || uri.UserInfo.Length > 0)
        {
            problem = "has a query string, fragment or user name; a registry URL is https://host[:port]/[prefix] (name a token with TokenEnvironmentVariable or --token-env)";
            return false;
        }

        problem = null;
        endpoint = new RegistryEndpoint(uri.AbsolutePath.EndsWith('/') ? uri : new UriBuilder(uri) { Path = uri.AbsolutePath + "/" }.Uri);
        return true;
    }

    /// <summary>The endpoint a source location names; an invalid one is <see cref="AssetDiagnosticIds.InvalidSourceLocation"/>.</summary>
    public static RegistryEndpoint From(AssetSourceLocation location) =>
        TryParse(location.Text, out var endpoint, out string? problem) ? endpoint! : throw location.Invalid(problem!);

    /// <summary><c>/v1/blobs/sha256/{hex}</c>.</summary>
    public Uri Blob(string sha256) => Api($"blobs/sha256/{Escape(sha256)}");

    /// <summary><c>/v1/blobs/uploads/sha256/{hex}</c>: the resumable upload of a blob.</summary>
    public Uri Upload(string sha256) => Api($"blobs/uploads/sha256/{Escape(sha256)}");

    /// <summary><c>/v1/models</c>, with the non-empty filters as query parameters.</summary>
    public Uri Models(IEnumerable<KeyValuePair<string, string?>>? query = null) => Api("models" + Query(query));

    /// <summary><c>/v1/models/{id}</c>.</summary>
    public Uri Model(string id) => Api($"models/{Escape(id)}");

    /// <summary><c>/v1/models/{id}/versions/{version}</c> (<paramref name="version"/> may be an alias).</summary>
    public Uri Version(string id, string version) => Api($"models/{Escape(id)}/versions/{Escape(version)}");

    /// <summary><c>/v1/models/{id}/aliases</c>.</summary>
    public Uri Aliases(string id) => Api($"models/{Escape(id)}/aliases");

    /// <summary><c>/v1/models/{id}/aliases/{alias}</c>.</summary>
    public Uri Alias(string id, string alias) => Api($"models/{Escape(id)}/aliases/{Escape(alias)}");

    /// <summary><c>/v1/manifest</c>, with the non-empty filters as query parameters: the catalog as one manifest document.</summary>
    public Uri Manifest(IEnumerable<KeyValuePair<string, string?>>? query = null) => Api("manifest" + Query(query));

    /// <summary><c>/v1/register</c>.</summary>
    public Uri Register() => Api("register");

    /// <summary><c>/v1/jobs/{jobId}</c>.</summary>
    public Uri Job(string jobId) => Api($"jobs/{Escape(jobId)}");

    /// <summary><c>/v1/tokens</c>.</summary>
    public Uri Tokens() => Api("tokens");

    /// <summary><c>/v1/tokens/{id}</c>.</summary>
    public Uri Token(string id) => Api($"tokens/{Escape(id)}");

    private Uri Api(string relative) => new(BaseUrl, "v1/" + relative);

    private static string Escape(string segment) => Uri.EscapeDataString(segment);

    private static string Query(IEnumerable<KeyValuePair<string, string?>>? query)
    {
        var parts = (query ?? []).Where(p => !string.IsNullOrEmpty(p.Value)).Select(p => $"{Escape(p.Key)}={Escape(p.Value!)}").ToList();
        return parts.Count == 0 ? string.Empty : "?" + string.Join('&', parts);
    }
}
