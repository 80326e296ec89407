using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;

namespace ModelManifest.Assets;

/// <summary>
/// The HTTP conversation with a Hugging Face hub, as <c>huggingface_hub</c> (file_download.py) holds it: metadata by
/// <c>HEAD …/resolve/{revision}/{path}</c> without following the redirect to the CDN (its headers <c>X-Repo-Commit</c>,
/// <c>X-Linked-Etag</c>, <c>X-Linked-Size</c> are on the 302 itself; a relative redirect — a renamed repository — is
/// followed), bytes by <c>GET</c> following every redirect ourselves so the token reaches the hub only, never the CDN
/// or any other host; errors by <c>X-Error-Code</c>/<c>X-Error-Message</c> (GatedRepo, RepoNotFound, RevisionNotFound,
/// EntryNotFound).
/// </summary>
internal sealed class HuggingFaceHub : IDisposable
{
    private const int MaxRedirects = 10;
    private static readonly TimeSpan s_responseTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan s_stallTimeout = TimeSpan.FromSeconds(30);
    private readonly HttpClient _client;
    private readonly Lazy<string?> _token;

    public HuggingFaceHub(HuggingFaceRepository repository, HttpMessageHandler? handler = null)
    {
        Repository = repository;
        _client = HttpTransport.CreateClient(handler);
        _token = new Lazy<string?>(HuggingFaceEnvironment.Token);
    }

    public HuggingFaceRepository Repository { get; }

    /// <summary>The file's metadata, or <see langword="null"/> with the reason the hub has no such file.</summary>
    /// <exception cref="AssetSourceException">Access refused (gated or private), or the hub failed.</exception>
    public async Task<(HuggingFaceFileMetadata? Metadata, string? NotHere)> HeadAsync(string revision, string path, CancellationToken cancellationToken)
    {
        Uri url = Repository.ResolveUrl(revision, path);
        for (int hop = 0; ; hop++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Head, url);
            // The size of the file itself, not of a compressed transfer of it.
            request.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue("identity"));
            using HttpResponseMessage response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
            int status = (int)response.StatusCode;
            if (status is >= 300 and < 400 && response.Headers.Location is { } location && hop < MaxRedirects)
            {
                var next = location.IsAbsoluteUri ? location : new Uri(url, location);
                if (Repository.IsHub(next) && !HasLinkedHeaders(response))
                {
                    url = next; // a renamed repository: ask the hub again where it now is
                    continue;
                }
            }

            if (status is >= 200 and < 400)
            {
                return (new HuggingFaceFileMetadata(Header(response, "X-Repo-Commit"), Etag(response), Size(response)), null);
            }

            return (null, NotHereOrThrow(response, path, revision));
        }
    }

    /// <summary>
    /// Opens <c>[offset, offset + length)</c> of the file (to the end when <paramref name="length"/> is null; the whole file
    /// when both are unset or the server ignores the range).
    /// </summary>
    public async Task<AssetContent> GetAsync(string revision, string path, AssetInfo asset, long offset, long? length, CancellationToken cancellationToken)
    {
        Uri url = Repository.ResolveUrl(revision, path);
        for (int hop = 0; hop <= MaxRedirects; hop++)
        {
            var request = new HttpRequestMessage(HttpMethod.Get, url);
            HttpTransport.PreferHttp2(request);
            if (offset > 0 || length is not null)
            {
                request.Headers.Range = new RangeHeaderValue(offset, length is { } count ? offset + count - 1 : null);
            }

            HttpResponseMessage response;
            using (request)
            {
                response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
            }

            int status = (int)response.StatusCode;
            if (status is 301 or 302 or 303 or 307 or 308 && response.Headers.Location is { } location)
            {
                response.Dispose();
                url = location.IsAbsoluteUri ? location : new Uri(url, location);
                if (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps)
                {
                    throw Fail(AssetDiagnosticIds.TransportError, $"{Repository.Printable}: {path} redirects to a non-http URL.");
                }

                continue;
            }

            if (status is 200 or 206)
            {
                return Accept(response, url, asset, offset, length);
            }

            using (response)
            {
                if (status == 416 && (offset > 0 || length is not null))
                {
                    // The server cannot serve our range: hand back the whole file instead.
                    return await GetAsync(revision, path, asset, 0, null, cancellationToken).ConfigureAwait(false);
                }

                if (status is 408 or 429 or >= 500)
                {
                    throw Fail(AssetDiagnosticIds.TransportError, $"HTTP {status} at {Redactor.Url(url)}.", transient: true);
                }

                if (NotHereOrThrow(response, path, revision) is { } notHere)
                {
                    throw Fail(AssetDiagnosticIds.NotInSource, notHere + ".");
                }
            }
        }

        throw Fail(AssetDiagnosticIds.TransportError, $"{Repository.Printable}: more than {MaxRedirects} redirects for {path}.");
    }

    /// <summary>A JSON document of the hub's API (the token sent; redirects not followed).</summary>
    public async Task<System.Text.Json.JsonDocument> GetJsonAsync(Uri url, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        using HttpResponseMessage response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            string problem = NotHereOrThrow(response, null, Repository.Revision) ?? $"HTTP {(int)response.StatusCode}";
            throw Fail(AssetDiagnosticIds.NotInSource, problem + ".");
        }

        await using Stream body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await System.Text.Json.JsonDocument.ParseAsync(body, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (System.Text.Json.JsonException e)
        {
            throw Fail(AssetDiagnosticIds.TransportError, $"{Redactor.Url(url)} did not answer with JSON ({e.Message}).");
        }
    }

    public void Dispose() => _client.Dispose();

    /// <summary>Sends with the token on the hub only, within the response time-out; transport failures become a clean, transient error.</summary>
    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (Repository.IsHub(request.RequestUri!) && _token.Value is { } token)
        {
            if (!token.All(c => c is > ' ' and <= '~'))
            {
                throw Fail(AssetDiagnosticIds.InvalidCredential, $"{Repository.Printable}: the Hugging Face token (HF_TOKEN, HF_TOKEN_PATH or $HF_HOME/token) holds characters that cannot be sent in an HTTP header; check its value.");
            }

            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(s_responseTimeout);
        try
        {
            return await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw Fail(AssetDiagnosticIds.TransportError, $"no response from {Redactor.Url(request.RequestUri!)} within {s_responseTimeout.TotalSeconds:0} s.", transient: true, e);
        }
        catch (HttpRequestException e)
        {
            throw Fail(AssetDiagnosticIds.TransportError, $"{Redactor.Url(request.RequestUri!)}: {HttpTransport.Describe(e)}", transient: !HttpTransport.IsPermanent(e), e);
        }
    }

    private AssetContent Accept(HttpResponseMessage response, Uri url, AssetInfo asset, long offset, long? length)
    {
        try
        {
            if (response.StatusCode == HttpStatusCode.PartialContent && (offset > 0 || length is not null))
            {
                // Only exactly the range asked for, of a file of the asset's size, is trusted.
                long last = length is { } wanted ? offset + wanted - 1 : asset.Size - 1;
                ContentRangeHeaderValue? range = response.Content.Headers.ContentRange;
                if (range is null || range.From != offset || range.To != last || (range.Length is { } total && total != asset.Size))
                {
                    throw Fail(AssetDiagnosticIds.TransportError, $"{Redactor.Url(url)} answered a range request with a mismatching Content-Range '{range}'.");
                }

                return new AssetContent(Guard(response), offset, length);
            }

            if (response.StatusCode == HttpStatusCode.OK)
            {
                if (response.Content.Headers.ContentLength is { } served && served != asset.Size)
                {
                    throw Fail(AssetDiagnosticIds.SizeMismatch, $"{Redactor.Url(url)} serves {served} bytes, the manifest says {asset.Size}.");
                }

                return new AssetContent(Guard(response), 0);
            }

            throw Fail(AssetDiagnosticIds.TransportError, $"unexpected HTTP {(int)response.StatusCode} at {Redactor.Url(url)}.");
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    private static StallGuardStream Guard(HttpResponseMessage response) =>
        new(response.Content.ReadAsStream(), response, s_stallTimeout, 1024, TimeSpan.FromSeconds(20));

    /// <summary>
    /// For a failed answer: the reason the hub has no such repository, revision or file (404), or an exception for access
    /// refused (401/403: gated or private) and other failures.
    /// </summary>
    private string? NotHereOrThrow(HttpResponseMessage response, string? path, string revision)
    {
        int status = (int)response.StatusCode;
        string? code = Header(response, "X-Error-Code");
        string? hubSays = Header(response, "X-Error-Message") is { } message ? $" The hub says: \"{Clean(message)}\"" : string.Empty;
        bool hasToken = _token.Value is not null;
        if (code == "GatedRepo" || (status == 403 && code != "RepoNotFound"))
        {
            string how = hasToken
                ? "the token in HF_TOKEN (or HF_TOKEN_PATH, $HF_HOME/token) has no access to it yet"
                : "no Hugging Face token is set";
            throw Fail(AssetDiagnosticIds.InvalidCredential,
                $"{Repository.Printable} is gated or restricted (HTTP {status}) and {how}: accept its terms on {Repository.PageUrl} with your Hugging Face account, then set HF_TOKEN to an access token of that account (huggingface.co/settings/tokens).{hubSays}");
        }

        if (status == 401)
        {
            string how = hasToken
                ? "check that the token in HF_TOKEN (or HF_TOKEN_PATH, $HF_HOME/token) is valid and can read it"
                : "if it is private, set HF_TOKEN to an access token that can read it";
            throw Fail(AssetDiagnosticIds.InvalidCredential, $"{Repository.Printable} was refused (HTTP 401: the repository is private or does not exist): {how}.{hubSays}");
        }

        if (status is 404 or 410)
        {
            return code switch
            {
                "RevisionNotFound" => $"{Repository.Id} has no revision '{revision}' on {Redactor.Url(Repository.Endpoint)}",
                "RepoNotFound" => $"no repository {Repository.Id} on {Redactor.Url(Repository.Endpoint)}",
                _ when path is not null => $"{Repository.Printable} has no file '{path}'",
                _ => $"HTTP {status} for {Repository.Printable}",
            };
        }

        throw Fail(AssetDiagnosticIds.TransportError, $"HTTP {status} from {Redactor.Url(response.RequestMessage?.RequestUri ?? Repository.Endpoint)}.{hubSays}", transient: status is 408 or 429 or >= 500);
    }

    private static bool HasLinkedHeaders(HttpResponseMessage response) => response.Headers.Contains("X-Linked-Etag") || response.Headers.Contains("X-Linked-Size");

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;

    /// <summary><c>X-Linked-Etag</c>, else <c>ETag</c>, without the weak prefix and quotes.</summary>
    private static string? Etag(HttpResponseMessage response)
    {
        string? raw = Header(response, "X-Linked-Etag") ?? response.Headers.ETag?.Tag ?? Header(response, "ETag");
        return raw?.Trim() is { } etag ? (etag.StartsWith("W/", StringComparison.Ordinal) ? etag[2..] : etag).Trim('"') : null;
    }

    private static long? Size(HttpResponseMessage response) =>
        Header(response, "X-Linked-Size") is { } linked && long.TryParse(linked, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long size)
            ? size
            : response.IsSuccessStatusCode ? response.Content.Headers.ContentLength : null; // a redirect's own length is not the file's

    /// <summary>The hub's own message, printable and short.</summary>
    private static string Clean(string message)
    {
        string printable = new(message.Where(c => !char.IsControl(c)).Take(300).ToArray());
        return printable.Replace("\"", "'", StringComparison.Ordinal);
    }

    private AssetSourceException Fail(string code, string message, bool transient = false, Exception? inner = null)
    {
        string clean = Redactor.Scrub(message, [_token.IsValueCreated ? _token.Value : null]);
        return new AssetSourceException(code, clean, transient, inner is null ? null : new HttpRequestException(Redactor.Scrub(inner.Message, [_token.IsValueCreated ? _token.Value : null])));
    }
}
