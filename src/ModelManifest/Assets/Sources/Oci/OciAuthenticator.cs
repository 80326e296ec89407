using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace ModelManifest.Assets;

/// <summary>
/// Answers a registry's 401 challenge and keeps the resulting <c>Authorization</c> for the requests that follow: for
/// <c>Bearer</c>, a token from the challenge's realm for its service and scope — anonymously, with the login as basic
/// authentication, or by exchanging an identity token (OAuth2 refresh grant); for <c>Basic</c>, the login itself. The login
/// is looked up once, on the first challenge, so anonymous registries never run a credential helper.
/// </summary>
internal sealed class OciAuthenticator(OciCredentialStore store, string host)
{
    /// <summary>How a user gives a registry login, for messages.</summary>
    public const string LoginHint = "log in with 'docker login' (config.json or a credential helper), or set the source's UsernameEnvironmentVariable and PasswordEnvironmentVariable";

    private readonly SemaphoreSlim _gate = new(1, 1);
    private OciCredential? _credential;
    private bool _looked;
    private volatile AuthenticationHeaderValue? _authorization;

    /// <summary>The header to send to the registry now, or <see langword="null"/> before any challenge.</summary>
    public AuthenticationHeaderValue? Authorization => _authorization;

    /// <summary>The login in use, once looked up (for messages: its origin, never its secret).</summary>
    public OciCredential? Credential => _credential;

    /// <summary>Every form in which a secret of this authenticator could appear in text, for scrubbing.</summary>
    public IEnumerable<string?> Secrets()
    {
        yield return _credential?.Secret;
        yield return _authorization?.Parameter;
        if (_credential is { } credential)
        {
            yield return Convert.ToBase64String(Encoding.UTF8.GetBytes(credential.BasicValue));
        }
    }

    /// <summary>Answers <paramref name="challenge"/> unless another request already replaced <paramref name="failed"/>.</summary>
    /// <exception cref="AssetSourceException">No login where one is required, or the token service refused the login.</exception>
    public async Task AuthenticateAsync(HttpClient client, OciChallenge challenge, AuthenticationHeaderValue? failed, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!ReferenceEquals(_authorization, failed))
            {
                return; // another request answered a challenge meanwhile: retry with its header
            }

            if (!_looked)
            {
                _credential = store.Find(host);
                _looked = true;
            }

            if (!challenge.IsBearer)
            {
                var credential = _credential ?? throw new AssetSourceException(AssetDiagnosticIds.NotInSource, $"the registry {host} asks for a login and none was found ({LoginHint}).");
                _authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(credential.BasicValue)));
                return;
            }

            string token = await RequestTokenAsync(client, challenge, cancellationToken).ConfigureAwait(false);
            _authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<string> RequestTokenAsync(HttpClient client, OciChallenge challenge, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(challenge["realm"], UriKind.Absolute, out Uri? realm) || (realm.Scheme != Uri.UriSchemeHttps && realm.Scheme != Uri.UriSchemeHttp))
        {
            throw new AssetSourceException(AssetDiagnosticIds.TransportError, $"the registry {host} names a token service that is not an http(s) URL.");
        }

        var query = new List<string>();
        if (challenge["service"] is { } service)
        {
            query.Add("service=" + Uri.EscapeDataString(service));
        }

        // Several scopes arrive space-separated (a cross-repository mount needs both repositories); each is its own parameter.
        foreach (string scope in (challenge["scope"] ?? string.Empty).Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            query.Add("scope=" + Uri.EscapeDataString(scope));
        }

        using var request = new HttpRequestMessage();
        if (_credential is { IsIdentityToken: true } identity)
        {
            // Docker's identity tokens are OAuth2 refresh tokens: exchanged with a POST, never sent as a password.
            request.Method = HttpMethod.Post;
            request.RequestUri = realm;
            var form = new List<KeyValuePair<string, string>>
            {
                new("grant_type", "refresh_token"),
                new("refresh_token", identity.Secret),
                new("client_id", "modelmanifest"),
                new("service", challenge["service"] ?? string.Empty),
                new("scope", challenge["scope"] ?? string.Empty),
            };
            request.Content = new FormUrlEncodedContent(form);
        }
        else
        {
            request.Method = HttpMethod.Get;
            request.RequestUri = new UriBuilder(realm) { Query = string.Join('&', query) }.Uri;
            if (_credential is { } login)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(login.BasicValue)));
            }
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(OciRegistryClient.HeaderTimeout);
        HttpResponseMessage response;
        try
        {
            response = await client.SendAsync(request, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw new AssetSourceException(AssetDiagnosticIds.TransportError, $"the token service of {host} at {Redactor.Url(realm)} did not answer: {HttpTransport.Describe(e)}.", isTransient: !HttpTransport.IsPermanent(e));
        }

        using (response)
        {
            int status = (int)response.StatusCode;
            if (status is 401 or 403)
            {
                throw _credential is { } refused
                    ? new AssetSourceException(AssetDiagnosticIds.InvalidCredential, $"the token service of {host} at {Redactor.Url(realm)} refused the {refused} (HTTP {status}): check that login.")
                    : new AssetSourceException(AssetDiagnosticIds.NotInSource, $"the token service of {host} refused anonymous access (HTTP {status}); {LoginHint}.");
            }

            if (!response.IsSuccessStatusCode)
            {
                throw new AssetSourceException(AssetDiagnosticIds.TransportError, $"the token service of {host} at {Redactor.Url(realm)} answered HTTP {status}.", isTransient: status >= 500);
            }

            string body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                var answer = JsonNode.Parse(body) as JsonObject;
                if ((answer?["token"] ?? answer?["access_token"])?.ToString() is { Length: > 0 } token)
                {
                    return token;
                }
            }
            catch (System.Text.Json.JsonException)
            {
            }

            throw new AssetSourceException(AssetDiagnosticIds.TransportError, $"the token service of {host} at {Redactor.Url(realm)} answered without a token.");
        }
    }
}
