using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;

namespace ModelManifest.Assets;

/// <summary>
/// An HTTP(S) server: a base URL plus a path template, and/or the manifest's per-asset URL hints. Resumes with
/// <c>Range</c> (only a 206 with a matching <c>Content-Range</c> is accepted; a 200 restarts cleanly), retries
/// transient failures with back-off, treats 401/403/404/410 as "not here", follows redirects itself so that
/// credentials never reach another host, and redacts URL query strings (presigned signatures) in every message.
/// </summary>
/// <remarks>
/// Uses the system proxy and the system trust store, over one shared connection pool (HTTP/2 where the server offers
/// it, no automatic decompression, <c>User-Agent: ModelManifest/&lt;version&gt;</c>). Serves byte ranges, so large
/// assets are fetched over several connections at once.
/// </remarks>
public sealed class HttpAssetSource : IRangedAssetSource, IDisposable
{
    private const int MaxRedirects = 10;
    private readonly HttpAssetSourceOptions _options;
    private readonly UrlTemplate? _template;
    private readonly HttpClient _client;

    /// <summary>Creates a source; validates the base URL and path template at once.</summary>
    public HttpAssetSource(HttpAssetSourceOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        if (options.BaseUrl is { } baseUrl)
        {
            if (!baseUrl.IsAbsoluteUri || (baseUrl.Scheme != Uri.UriSchemeHttp && baseUrl.Scheme != Uri.UriSchemeHttps) || baseUrl.Query.Length > 0)
            {
                throw new AssetException(AssetDiagnosticIds.InvalidUrlTemplate, $"The base URL '{Redactor.Url(baseUrl)}' must be an absolute http(s) URL without a query.");
            }

            _template = new UrlTemplate(options.PathTemplate);
        }

        Name = options.Name ?? (options.BaseUrl is { } u ? "http:" + Redactor.Url(u) : "http:url-hints");
        _client = HttpTransport.CreateClient(options.Handler);
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <summary>Answers without a request: yes when there is a URL to try. A 404 at download time then counts as "not here".</summary>
    public ValueTask<AssetAvailability> ProbeAsync(AssetInfo asset, CancellationToken cancellationToken) =>
        ValueTask.FromResult(Candidates(asset).Count > 0 ? AssetAvailability.Yes() : AssetAvailability.No("no base URL and no usable URL hint."));

    /// <inheritdoc />
    public ValueTask<AssetContent> OpenReadAsync(AssetInfo asset, long offset, CancellationToken cancellationToken) =>
        OpenAsync(asset, offset, null, cancellationToken);

    /// <inheritdoc />
    /// <remarks>
    /// Sends <c>Range: bytes=offset-end</c> and trusts only a 206 whose <c>Content-Range</c> is exactly that range of a file
    /// of the asset's size. A 200 (a server that ignores ranges) is handed back as the whole asset, so none of its bytes
    /// are wasted.
    /// </remarks>
    public ValueTask<AssetContent> OpenRangeAsync(AssetInfo asset, long offset, long length, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(length);
        return OpenAsync(asset, offset, length, cancellationToken);
    }

    private async ValueTask<AssetContent> OpenAsync(AssetInfo asset, long offset, long? length, CancellationToken cancellationToken)
    {
        var notHere = new List<string>();
        foreach (var url in Candidates(asset))
        {
            var content = await TryUrlAsync(url, asset, offset, length, notHere, cancellationToken).ConfigureAwait(false);
            if (content is not null)
            {
                return content;
            }
        }

        throw Fail(AssetDiagnosticIds.NotInSource, string.Join("; ", notHere) + ".", transient: false);
    }

    /// <summary>Releases the HTTP client.</summary>
    public void Dispose() => _client.Dispose();

    private List<Uri> Candidates(AssetInfo asset)
    {
        var urls = new List<Uri>();
        if (_options.BaseUrl is { } baseUrl && _template is not null)
        {
            urls.Add(_template.Expand(baseUrl, asset));
        }

        if (_options.UseUrlHints)
        {
            foreach (var hint in asset.Urls)
            {
                if (Uri.TryCreate(hint, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps))
                {
                    urls.Add(uri);
                }
            }
        }

        return urls;
    }

    /// <summary>Returns content, or null after recording a "not here" answer; throws on other failures.</summary>
    private async Task<AssetContent?> TryUrlAsync(Uri url, AssetInfo asset, long offset, long? length, List<string> notHere, CancellationToken cancellationToken)
    {
        var rangeOffset = offset;
        var rangeLength = length;
        var deadline = System.Diagnostics.Stopwatch.StartNew();
        for (int attempt = 0; ; attempt++)
        {
            HttpResponseMessage response;
            try
            {
                var left = _options.ResponseDeadline - deadline.Elapsed;
                if (left <= TimeSpan.Zero)
                {
                    throw new TimeoutException($"no usable response within {_options.ResponseDeadline.TotalSeconds:0} s.");
                }

                response = await SendFollowingRedirectsAsync(url, rangeOffset, rangeLength, left < _options.ResponseTimeout ? left : _options.ResponseTimeout, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is HttpRequestException or IOException or TimeoutException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
                if (HttpTransport.IsPermanent(e))
                {
                    throw Fail(AssetDiagnosticIds.TransportError, $"{Redactor.Url(url)}: {HttpTransport.Describe(e)}.", transient: false, e);
                }

                if (attempt >= _options.MaxRetries || deadline.Elapsed >= _options.ResponseDeadline)
                {
                    throw Fail(AssetDiagnosticIds.TransportError, $"{Redactor.Url(url)}: {HttpTransport.Describe(e)} (after {attempt + 1} attempts).", transient: false, e);
                }

                await BackOffAsync(attempt, cancellationToken).ConfigureAwait(false);
                continue;
            }

            var status = (int)response.StatusCode;
            if (status is 401 or 403 or 404 or 410)
            {
                response.Dispose();
                notHere.Add($"HTTP {status} at {Redactor.Url(url)}");
                return null;
            }

            if (status is 408 or 429 or >= 500)
            {
                var retryAfter = status is 429 or 503 ? RetryAfter(response) : null;
                response.Dispose();
                if (attempt >= _options.MaxRetries)
                {
                    throw Fail(AssetDiagnosticIds.TransportError, $"HTTP {status} at {Redactor.Url(url)} (after {attempt + 1} attempts).", transient: false);
                }

                if (retryAfter is { } wait)
                {
                    if (wait > _options.MaxRetryAfter)
                    {
                        throw Fail(AssetDiagnosticIds.TransportError, $"HTTP {status} at {Redactor.Url(url)} asks to retry after {wait.TotalSeconds:0} s, longer than the {_options.MaxRetryAfter.TotalSeconds:0} s allowed.", transient: false);
                    }

                    await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                await BackOffAsync(attempt, cancellationToken).ConfigureAwait(false);
                continue;
            }

            if (status == 416 && (rangeOffset > 0 || rangeLength is not null))
            {
                // The server cannot serve our range: start over without one.
                response.Dispose();
                rangeOffset = 0;
                rangeLength = null;
                continue;
            }

            return Accept(response, url, asset, rangeOffset, rangeLength);
        }
    }

    private AssetContent Accept(HttpResponseMessage response, Uri url, AssetInfo asset, long offset, long? length)
    {
        try
        {
            long start;
            long? count = null;
            if (response.StatusCode == HttpStatusCode.PartialContent && (offset > 0 || length is not null))
            {
                // Only exactly the range asked for (to the end when no length was given), of a file of the right size, is trusted.
                var last = length is { } wanted ? offset + wanted - 1 : asset.Size - 1;
                var range = response.Content.Headers.ContentRange;
                if (range is null || range.From != offset || range.To != last || (range.Length is { } total && total != asset.Size)
                    || (response.Content.Headers.ContentLength is { } bodyLength && bodyLength != last - offset + 1))
                {
                    throw Fail(AssetDiagnosticIds.TransportError, $"{Redactor.Url(url)} answered a range request with a mismatching Content-Range '{range}'.", transient: false);
                }

                start = offset;
                count = length;
            }
            else if (response.StatusCode == HttpStatusCode.OK)
            {
                if (response.Content.Headers.ContentLength is { } served && served != asset.Size)
                {
                    throw Fail(AssetDiagnosticIds.SizeMismatch, $"{Redactor.Url(url)} serves {served} bytes, the manifest says {asset.Size}.", transient: false);
                }

                start = 0;
            }
            else
            {
                throw Fail(AssetDiagnosticIds.TransportError, $"unexpected HTTP {(int)response.StatusCode} at {Redactor.Url(url)}.", transient: false);
            }

            var body = response.Content.ReadAsStream();
            return new AssetContent(new StallGuardStream(body, response, _options.StallTimeout, _options.MinimumBytesPerSecond, _options.ThroughputWindow), start, count);
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    /// <summary>The server's Retry-After (seconds or a date) as a wait from now, or null when it sent none.</summary>
    private static TimeSpan? RetryAfter(HttpResponseMessage response) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta < TimeSpan.Zero ? TimeSpan.Zero : delta,
        { Date: { } date } => date - DateTimeOffset.UtcNow is var wait && wait > TimeSpan.Zero ? wait : TimeSpan.Zero,
        _ => null,
    };

    private async Task<HttpResponseMessage> SendFollowingRedirectsAsync(Uri url, long offset, long? length, TimeSpan responseTimeout, CancellationToken cancellationToken)
    {
        var current = url;
        for (int hop = 0; hop <= MaxRedirects; hop++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, current);
            HttpTransport.PreferHttp2(request);
            if (offset > 0 || length is not null)
            {
                request.Headers.Range = new RangeHeaderValue(offset, length is { } count ? offset + count - 1 : null);
            }

            if (_options.Credential is { } credential && IsCredentialOrigin(current))
            {
                var header = await credential.GetHeaderAsync(cancellationToken).ConfigureAwait(false);
                if (header?.Parameter is { } parameter && !parameter.All(c => c is >= ' ' and <= '~'))
                {
                    // HttpClient would refuse it on every attempt; retrying cannot help, the setting is wrong.
                    throw Fail(AssetDiagnosticIds.InvalidCredential, $"the {credential} holds characters that cannot be sent in an HTTP header (only printable ASCII can); check its value.", transient: false);
                }

                request.Headers.Authorization = header;
            }

            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(responseTimeout);
            HttpResponseMessage response;
            try
            {
                response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"no response within {responseTimeout.TotalSeconds:0} s.");
            }

            var status = (int)response.StatusCode;
            if (status is 301 or 302 or 303 or 307 or 308 && response.Headers.Location is { } location)
            {
                response.Dispose();
                current = location.IsAbsoluteUri ? location : new Uri(current, location);
                if (current.Scheme != Uri.UriSchemeHttp && current.Scheme != Uri.UriSchemeHttps)
                {
                    throw Fail(AssetDiagnosticIds.TransportError, $"redirected to a non-http URL from {Redactor.Url(url)}.", transient: false);
                }

                continue;
            }

            return response;
        }

        throw Fail(AssetDiagnosticIds.TransportError, $"more than {MaxRedirects} redirects from {Redactor.Url(url)}.", transient: false);
    }

    /// <summary>Credentials go only to the configured server (same scheme, host and port) — never across redirects or to hint hosts elsewhere.</summary>
    private bool IsCredentialOrigin(Uri url) =>
        _options.BaseUrl is { } baseUrl
        && string.Equals(url.Scheme, baseUrl.Scheme, StringComparison.OrdinalIgnoreCase)
        && string.Equals(url.IdnHost, baseUrl.IdnHost, StringComparison.OrdinalIgnoreCase)
        && url.Port == baseUrl.Port;

    private Task BackOffAsync(int attempt, CancellationToken cancellationToken) =>
        Task.Delay(Backoff.Delay(_options.RetryDelay, attempt + 1), cancellationToken);

    private AssetSourceException Fail(string code, string message, bool transient, Exception? inner = null)
    {
        var secrets = _options.Credential?.SecretForms() ?? Enumerable.Empty<string?>();
        return new AssetSourceException(code, Redactor.Scrub(message, secrets), transient, inner is null ? null : new HttpRequestException(Redactor.Scrub(inner.Message, secrets)));
    }
}
