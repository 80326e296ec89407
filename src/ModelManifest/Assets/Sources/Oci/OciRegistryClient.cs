using System.Net.Http;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace ModelManifest.Assets;

/// <summary>
/// A small client of the OCI distribution API for one repository: manifests, blobs by digest (with ranges), and the
/// requests of uploads. Answers 401 challenges through <see cref="OciAuthenticator"/> and retries once; sends
/// <c>Authorization</c> only to the registry itself, so a redirect to blob storage on another host (a 307 to a presigned
/// URL) is followed without it.
/// </summary>
internal sealed class OciRegistryClient : IDisposable
{
    /// <summary>How long a request may wait for response headers (not for a body being uploaded).</summary>
    internal static TimeSpan HeaderTimeout { get; } = TimeSpan.FromSeconds(60);

    private const int MaxRedirects = 10;
    private readonly HttpClient _client;
    private readonly OciAuthenticator _authenticator;

    public OciRegistryClient(OciReference reference, OciCredentialStore credentials, HttpMessageHandler? handler = null)
    {
        Reference = reference;
        _authenticator = new OciAuthenticator(credentials, reference.Host);
        _client = HttpTransport.CreateClient(handler);
    }

    /// <summary>The repository (and artifact) this client serves.</summary>
    public OciReference Reference { get; }

    /// <summary>The repository's API path: <c>v2/&lt;repository&gt;/</c>.</summary>
    private string RepositoryPath => "v2/" + Reference.Repository + "/";

    /// <summary>GETs a manifest or index; <see langword="null"/> on 404.</summary>
    public async Task<OciManifestDocument?> GetManifestAsync(string reference, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Get, Url("manifests/" + reference), AcceptManifests, null, cancellationToken).ConfigureAwait(false);
        if ((int)response.StatusCode == 404)
        {
            return null;
        }

        await EnsureSuccessAsync(response, $"manifest {reference}", cancellationToken).ConfigureAwait(false);
        byte[] bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        if (reference.StartsWith("sha256:", StringComparison.Ordinal) && Digest(bytes) != reference)
        {
            throw Failure(AssetDiagnosticIds.TransportError, $"served a manifest whose digest is not {reference}.");
        }

        try
        {
            return OciManifestDocument.Parse(bytes, response.Content.Headers.ContentType?.MediaType);
        }
        catch (FormatException e)
        {
            throw Failure(AssetDiagnosticIds.TransportError, $"served the manifest {reference}, which is not a valid OCI manifest: {e.Message}");
        }
    }

    /// <summary>The digest of the manifest a tag names now (HEAD), or <see langword="null"/> when the tag does not exist.</summary>
    public async Task<string?> HeadManifestAsync(string reference, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Head, Url("manifests/" + reference), AcceptManifests, null, cancellationToken).ConfigureAwait(false);
        if ((int)response.StatusCode == 404)
        {
            return null;
        }

        await EnsureSuccessAsync(response, $"manifest {reference}", cancellationToken).ConfigureAwait(false);
        return response.Headers.TryGetValues("Docker-Content-Digest", out var values) ? values.FirstOrDefault() : null;
    }

    /// <summary>The size of a blob in the repository (HEAD), or <see langword="null"/> when the repository does not hold it.</summary>
    public async Task<long?> HeadBlobAsync(string digest, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Head, Url("blobs/" + digest), null, null, cancellationToken).ConfigureAwait(false);
        if ((int)response.StatusCode == 404)
        {
            return null;
        }

        await EnsureSuccessAsync(response, $"blob {digest}", cancellationToken).ConfigureAwait(false);
        return response.Content.Headers.ContentLength ?? -1;
    }

    /// <summary>GETs a blob, from <paramref name="offset"/> for <paramref name="length"/> bytes when given; the caller owns the response.</summary>
    public Task<HttpResponseMessage> GetBlobAsync(string digest, long offset, long? length, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Get, Url("blobs/" + digest), headers =>
        {
            if (offset > 0 || length is not null)
            {
                headers.Range = new RangeHeaderValue(offset, length is { } count ? offset + count - 1 : null);
            }
        }, null, cancellationToken);

    /// <summary>A URL below the repository's API path.</summary>
    public Uri Url(string relative) => new(Reference.RegistryUrl, RepositoryPath + relative);

    /// <summary>
    /// Sends a request, answering one 401 challenge and following redirects of GET/HEAD requests (without
    /// <c>Authorization</c> off the registry's origin). <paramref name="content"/> is called per attempt, so a body can be
    /// sent again after a challenge. The caller owns the response.
    /// </summary>
    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, Uri url, Action<HttpRequestHeaders>? headers, Func<HttpContent>? content, CancellationToken cancellationToken)
    {
        bool answered = false;
        for (int hop = 0; ; hop++)
        {
            var sent = IsRegistryOrigin(url) ? _authenticator.Authorization : null;
            var response = await SendOnceAsync(method, url, headers, content, sent, cancellationToken).ConfigureAwait(false);
            int status = (int)response.StatusCode;
            if (status == 401 && !answered && IsRegistryOrigin(url) && OciChallenge.Select(response.Headers.WwwAuthenticate) is { } challenge)
            {
                response.Dispose();
                await _authenticator.AuthenticateAsync(_client, challenge, sent, cancellationToken).ConfigureAwait(false);
                answered = true;
                continue;
            }

            if (status is 301 or 302 or 303 or 307 or 308 && response.Headers.Location is { } location
                && (method == HttpMethod.Get || method == HttpMethod.Head))
            {
                response.Dispose();
                if (hop >= MaxRedirects)
                {
                    throw Failure(AssetDiagnosticIds.TransportError, $"redirected more than {MaxRedirects} times from {Redactor.Url(url)}.");
                }

                url = location.IsAbsoluteUri ? location : new Uri(url, location);
                if (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps)
                {
                    throw Failure(AssetDiagnosticIds.TransportError, "redirected to a URL that is not http(s).");
                }

                continue;
            }

            return response;
        }
    }

    /// <summary>Throws the error that <paramref name="response"/> means unless it is a success.</summary>
    public async Task EnsureSuccessAsync(HttpResponseMessage response, string what, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        int status = (int)response.StatusCode;
        string detail = await ErrorDetailAsync(response, cancellationToken).ConfigureAwait(false);
        throw status switch
        {
            401 when _authenticator.Credential is { } credential => Failure(AssetDiagnosticIds.InvalidCredential, $"the registry refused the {credential} for {what} (HTTP 401{detail}): check that login."),
            401 => Failure(AssetDiagnosticIds.NotInSource, $"the registry needs a login for {what} (HTTP 401{detail}); {OciAuthenticator.LoginHint}."),
            403 => Failure(AssetDiagnosticIds.NotInSource, $"access to {what} denied (HTTP 403{detail})."),
            404 => Failure(AssetDiagnosticIds.NotInSource, $"no {what} (HTTP 404{detail})."),
            _ => Failure(AssetDiagnosticIds.TransportError, $"HTTP {status} for {what}{(detail.Length > 0 ? " (" + detail[2..] + ")" : string.Empty)}.", transient: status is 408 or 429 or >= 500),
        };
    }

    /// <summary>An error of this source: the registry and repository named, every secret scrubbed.</summary>
    public AssetSourceException Failure(string code, string message, bool transient = false) =>
        new(code, Redactor.Scrub($"{Reference}: {message}", _authenticator.Secrets()), transient);

    /// <summary>The <c>sha256:&lt;hex&gt;</c> digest of <paramref name="bytes"/>.</summary>
    public static string Digest(ReadOnlySpan<byte> bytes) => "sha256:" + Convert.ToHexString(SHA256.HashData(bytes)).ToLowerInvariant();

    /// <summary>Releases the HTTP client.</summary>
    public void Dispose() => _client.Dispose();

    private static void AcceptManifests(HttpRequestHeaders headers)
    {
        foreach (string mediaType in OciMediaTypes.AcceptedManifests)
        {
            headers.Accept.Add(new MediaTypeWithQualityHeaderValue(mediaType));
        }
    }

    private async Task<HttpResponseMessage> SendOnceAsync(HttpMethod method, Uri url, Action<HttpRequestHeaders>? headers, Func<HttpContent>? content, AuthenticationHeaderValue? authorization, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, url);
        HttpTransport.PreferHttp2(request);
        headers?.Invoke(request.Headers);
        request.Headers.Authorization = authorization;
        request.Content = content?.Invoke();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (request.Content is null)
        {
            timeout.CancelAfter(HeaderTimeout); // an upload's body takes as long as it takes
        }

        try
        {
            return await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or IOException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            string why = e is OperationCanceledException ? $"no response within {HeaderTimeout.TotalSeconds:0} s" : HttpTransport.Describe(e);
            throw Failure(AssetDiagnosticIds.TransportError, $"{method} {Redactor.Url(url)} failed: {why}.", transient: !HttpTransport.IsPermanent(e));
        }
    }

    /// <summary>The registry's error code and message (the spec's <c>{"errors":[{"code","message"}]}</c> body) as ", CODE: message".</summary>
    private static async Task<string> ErrorDetailAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            string body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            if (body.Length is > 0 and < 65536 && JsonNode.Parse(body)?["errors"] is JsonArray { Count: > 0 } errors && errors[0] is JsonObject first)
            {
                return $", {first["code"]}: {first["message"]}";
            }
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or HttpRequestException or IOException)
        {
        }

        return string.Empty;
    }

    /// <summary>Same scheme, host and port as the registry: the only place credentials are sent.</summary>
    private bool IsRegistryOrigin(Uri url) =>
        string.Equals(url.Scheme, Reference.RegistryUrl.Scheme, StringComparison.OrdinalIgnoreCase)
        && string.Equals(url.IdnHost, Reference.RegistryUrl.IdnHost, StringComparison.OrdinalIgnoreCase)
        && url.Port == Reference.RegistryUrl.Port;
}
