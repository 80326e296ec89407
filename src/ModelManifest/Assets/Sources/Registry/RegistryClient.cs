using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ModelManifest.Assets;

/// <summary>
/// Talks to a model registry's HTTP API (docs/sources.md, "Registry"): sends the bearer token only on the first request
/// to the registry itself, follows redirects of reads itself without it (a presigned blob URL must never see the
/// registry's credential), and turns every refusal into an <see cref="AssetException"/> carrying the server's
/// <c>MM3xxx</c> code and one-line detail from its <c>application/problem+json</c> body.
/// </summary>
/// <remarks>
/// Network failures become <see cref="AssetDiagnosticIds.TransportError"/> naming the registry. No message ever holds the
/// token: every text from the server or the network is scrubbed of it.
/// </remarks>
internal sealed class RegistryClient : IDisposable
{
    private const int MaxRedirects = 10;
    private readonly HttpClient _client;
    private readonly HttpCredential? _credential;

    /// <summary>Creates a client of <paramref name="endpoint"/> over the shared HTTP stack.</summary>
    public RegistryClient(RegistryEndpoint endpoint, HttpCredential? credential)
    {
        Endpoint = endpoint;
        _credential = credential;
        _client = HttpTransport.CreateClient(null);
    }

    /// <summary>The registry's URLs.</summary>
    public RegistryEndpoint Endpoint { get; }

    /// <summary>"registry:&lt;base URL&gt;", for messages.</summary>
    public string Name => "registry:" + Endpoint.Printable;

    /// <summary>Time allowed for response headers of one request.</summary>
    public TimeSpan ResponseTimeout { get; init; } = TimeSpan.FromSeconds(100);

    /// <summary>
    /// Sends one request and returns the response whatever its status (the caller owns it). A GET follows redirects,
    /// without the credential; other methods never do (a presigned URL is signed for GET alone).
    /// </summary>
    /// <exception cref="AssetException"><see cref="AssetDiagnosticIds.TransportError"/>: the registry could not be reached.</exception>
    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, Uri url, Func<HttpContent>? content, CancellationToken cancellationToken, Action<HttpRequestMessage>? configure = null)
    {
        Uri current = url;
        bool follows = method == HttpMethod.Get;
        for (int hop = 0; hop <= MaxRedirects; hop++)
        {
            using var request = new HttpRequestMessage(method, current) { Content = content?.Invoke() };
            configure?.Invoke(request);
            if (hop == 0 && _credential is not null)
            {
                request.Headers.Authorization = await HeaderAsync(cancellationToken).ConfigureAwait(false);
            }

            HttpResponseMessage response;
            using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                if (content is null)
                {
                    // With a body, the headers come only after the whole upload: its length is no sign of a dead server.
                    timeout.CancelAfter(ResponseTimeout);
                }
                try
                {
                    response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
                }
                catch (Exception e) when (e is HttpRequestException or IOException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
                {
                    string why = e is OperationCanceledException ? $"no response within {ResponseTimeout.TotalSeconds:0} s" : HttpTransport.Describe(e);
                    throw Fail(AssetDiagnosticIds.TransportError, $"cannot reach the registry at {Redactor.Url(current)}: {why}", e);
                }
            }

            if (follows && (int)response.StatusCode is 301 or 302 or 303 or 307 or 308 && response.Headers.Location is { } location)
            {
                response.Dispose();
                current = location.IsAbsoluteUri ? location : new Uri(current, location);
                if (current.Scheme != Uri.UriSchemeHttp && current.Scheme != Uri.UriSchemeHttps)
                {
                    throw Fail(AssetDiagnosticIds.TransportError, $"the registry redirected {Redactor.Url(url)} to a non-http URL");
                }

                continue;
            }

            return response;
        }

        throw Fail(AssetDiagnosticIds.TransportError, $"more than {MaxRedirects} redirects from {Redactor.Url(url)}");
    }

    /// <summary>GETs JSON; any status but 2xx is the server's problem as an exception.</summary>
    public async Task<JsonNode> GetJsonAsync(Uri url, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Get, url, null, cancellationToken).ConfigureAwait(false);
        return await ReadJsonAsync(response, cancellationToken).ConfigureAwait(false) ?? new JsonObject();
    }

    /// <summary>Sends JSON (or nothing) and returns the status and the JSON answer (null when empty); any status but 2xx throws.</summary>
    public async Task<(HttpStatusCode Status, JsonNode? Body)> SendJsonAsync(HttpMethod method, Uri url, JsonNode? body, CancellationToken cancellationToken) =>
        await SendJsonAsync(method, url, body?.ToJsonString(), "application/json", cancellationToken).ConfigureAwait(false);

    /// <summary>Sends a text body (JSON of the given media type) and returns the status and the JSON answer; any status but 2xx throws.</summary>
    public async Task<(HttpStatusCode Status, JsonNode? Body)> SendJsonAsync(HttpMethod method, Uri url, string? body, string mediaType, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(method, url, body is null ? null : () => new StringContent(body, Encoding.UTF8, mediaType), cancellationToken).ConfigureAwait(false);
        return (response.StatusCode, await ReadJsonAsync(response, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>The JSON body of a 2xx answer (null when empty), or the answer's problem thrown as an <see cref="AssetException"/>.</summary>
    public async Task<JsonNode?> ReadJsonAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw await ProblemAsync(response, cancellationToken).ConfigureAwait(false);
        }

        string text = await ReadTextAsync(response, cancellationToken).ConfigureAwait(false);
        if (text.Length == 0)
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            throw Fail(AssetDiagnosticIds.TransportError, $"the registry answered {Redactor.Url(response.RequestMessage?.RequestUri ?? Endpoint.BaseUrl)} with something that is not JSON");
        }
    }

    /// <summary>
    /// The refusal in <paramref name="response"/> as an exception: the problem's <c>code</c> and <c>detail</c> (plus the
    /// first validation diagnostics) when it sent <c>application/problem+json</c>, else the HTTP status and URL.
    /// </summary>
    public async Task<AssetException> ProblemAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        int status = (int)response.StatusCode;
        string where = Redactor.Url(response.RequestMessage?.RequestUri ?? Endpoint.BaseUrl);
        string text;
        try
        {
            text = await ReadTextAsync(response, cancellationToken).ConfigureAwait(false);
        }
        catch (AssetException)
        {
            text = string.Empty; // the status alone still says what went wrong
        }

        try
        {
            if (text.Length > 0 && JsonNode.Parse(text) is JsonObject problem && problem["code"] is JsonValue code && code.TryGetValue(out string? id)
                && id.StartsWith("MM", StringComparison.Ordinal))
            {
                string detail = (string?)problem["detail"] ?? (string?)problem["title"] ?? $"HTTP {status}";
                if (problem["diagnostics"] is JsonArray diagnostics && diagnostics.Count > 0)
                {
                    detail += ": " + string.Join("; ", diagnostics.OfType<JsonObject>().Take(5).Select(Diagnostic));
                }

                return Fail(id, detail);
            }
        }
        catch (JsonException)
        {
            // Not a problem document (a proxy's error page): reported by status below.
        }

        string hint = status switch
        {
            401 => ": the registry needs a valid token (name its environment variable with --token-env or TokenEnvironmentVariable)",
            403 => ": the token lacks the scope this needs",
            _ => string.Empty,
        };
        return Fail(AssetDiagnosticIds.TransportError, $"HTTP {status} from {where}{hint}");
    }

    /// <summary>An exception with <paramref name="message"/> scrubbed of the token.</summary>
    public AssetException Fail(string code, string message, Exception? inner = null) =>
        new(code, Scrub(message), innerException: inner is null ? null : new HttpRequestException(Scrub(inner.Message)));

    /// <summary>Removes the token from a text that came from the server or the network.</summary>
    public string Scrub(string text) => Redactor.Scrub(text, _credential?.SecretForms() ?? []);

    /// <summary>Releases the HTTP client.</summary>
    public void Dispose() => _client.Dispose();

    private static string Diagnostic(JsonObject d)
    {
        string? line = d["line"]?.ToJsonString();
        string? column = d["column"]?.ToJsonString();
        string position = line is null ? string.Empty : column is null ? $"({line})" : $"({line},{column})";
        return $"{(string?)d["id"]}{position} {(string?)d["message"]}".Trim();
    }

    private async Task<AuthenticationHeaderValue?> HeaderAsync(CancellationToken cancellationToken)
    {
        var header = await _credential!.GetHeaderAsync(cancellationToken).ConfigureAwait(false);
        if (header?.Parameter is { } parameter && !parameter.All(c => c is > ' ' and <= '~'))
        {
            // HttpClient would refuse it on every request; the setting is wrong, and its value must not be echoed.
            throw new AssetException(AssetDiagnosticIds.InvalidCredential, $"the {_credential} holds characters that cannot be sent in an HTTP header (only printable ASCII can); check its value");
        }

        return header;
    }

    private async Task<string> ReadTextAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            return await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            throw Fail(AssetDiagnosticIds.TransportError, $"the registry's answer from {Redactor.Url(response.RequestMessage?.RequestUri ?? Endpoint.BaseUrl)} broke off: {e.Message}", e);
        }
    }
}
