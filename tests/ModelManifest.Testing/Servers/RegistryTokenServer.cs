using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ModelManifest.Testing;

/// <summary>
/// The token service of the distribution spec's token flow, for a real CNCF Distribution registry configured with
/// <c>auth: token:</c>: answers <c>GET /token?service=…&amp;scope=repository:name:actions</c> with a JWT signed by a
/// self-signed RSA certificate (sent in the <c>x5c</c> header; the registry trusts it through its
/// <c>rootcertbundle</c>). <see cref="Username"/>/<see cref="Password"/> get every action asked for; anonymous requests get
/// <c>pull</c> on repositories under <c>public/</c> only; a wrong password is a 401.
/// </summary>
public sealed class RegistryTokenServer : IAsyncDisposable
{
    /// <summary>The user the service accepts.</summary>
    public const string Username = "tester";

    /// <summary>That user's password.</summary>
    public const string Password = "Pa55-w0rd-for-tests";

    /// <summary>An identity token (docker's OAuth2 refresh token, as <c>identitytoken</c> in config.json) the service exchanges for <see cref="Username"/>'s access.</summary>
    public const string IdentityToken = "identity-refresh-token-for-tests";

    /// <summary>The <c>service</c> (JWT audience) the registry is configured with.</summary>
    public const string Service = "test-registry";

    /// <summary>The JWT issuer the registry is configured with.</summary>
    public const string Issuer = "test-token-issuer";

    private readonly RSA _key;
    private readonly X509Certificate2 _certificate;
    private WebApplication _app = null!;
    private int _requests;

    private RegistryTokenServer()
    {
        _key = RSA.Create(2048);
        var request = new CertificateRequest("CN=modelmanifest test token issuer", _key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        _certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(7));
    }

    /// <summary>The token endpoint (the registry's <c>realm</c>).</summary>
    public Uri Realm { get; private set; } = null!;

    /// <summary>The signing certificate as PEM (the registry's <c>rootcertbundle</c>).</summary>
    public string CertificatePem => _certificate.ExportCertificatePem();

    /// <summary>Token requests served so far (granted or refused).</summary>
    public int RequestCount => Volatile.Read(ref _requests);

    /// <summary>Starts the service on 127.0.0.1 and a free port.</summary>
    public static async Task<RegistryTokenServer> StartAsync()
    {
        var server = new RegistryTokenServer();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        server._app = builder.Build();
        server._app.MapGet("/token", server.Issue);
        server._app.MapPost("/token", (Delegate)server.IssueForRefreshTokenAsync);
        await server._app.StartAsync();
        string address = server._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.Realm = new Uri(address.TrimEnd('/') + "/token");
        return server;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        _certificate.Dispose();
        _key.Dispose();
    }

    private IResult Issue(HttpContext context)
    {
        Interlocked.Increment(ref _requests);
        string? user = null;
        string authorization = context.Request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Basic ", StringComparison.Ordinal))
        {
            string login = Encoding.UTF8.GetString(Convert.FromBase64String(authorization["Basic ".Length..]));
            if (login != Username + ":" + Password)
            {
                return Results.Json(new { errors = new[] { new { code = "UNAUTHORIZED", message = "wrong user name or password" } } }, statusCode: 401);
            }

            user = Username;
        }

        return Grant(user, context.Request.Query["scope"]);
    }

    /// <summary>The OAuth2 refresh grant (<c>grant_type=refresh_token</c>) that docker's identity tokens are exchanged with.</summary>
    private async Task<IResult> IssueForRefreshTokenAsync(HttpContext context)
    {
        Interlocked.Increment(ref _requests);
        var form = await context.Request.ReadFormAsync();
        if (form["grant_type"] != "refresh_token" || form["refresh_token"] != IdentityToken)
        {
            return Results.Json(new { error = "invalid_grant" }, statusCode: 401);
        }

        return Grant(Username, form["scope"]);
    }

    private IResult Grant(string? user, IEnumerable<string?> scopes)
    {
        var access = new List<object>();
        foreach (string scope in scopes.SelectMany(s => (s ?? string.Empty).Split(' ', StringSplitOptions.RemoveEmptyEntries)))
        {
            string[] parts = scope.Split(':');
            if (parts.Length != 3 || parts[0] != "repository")
            {
                continue;
            }

            string[] actions = user is not null ? parts[2].Split(',') : parts[1].StartsWith("public/", StringComparison.Ordinal) ? ["pull"] : [];
            access.Add(new { type = "repository", name = parts[1], actions });
        }

        long now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var claims = new Dictionary<string, object>
        {
            ["iss"] = Issuer,
            ["sub"] = user ?? string.Empty,
            ["aud"] = Service,
            ["exp"] = now + 900,
            ["nbf"] = now - 60,
            ["iat"] = now,
            ["jti"] = Guid.NewGuid().ToString("N"),
            ["access"] = access,
        };
        var header = new Dictionary<string, object> { ["typ"] = "JWT", ["alg"] = "RS256", ["x5c"] = new[] { Convert.ToBase64String(_certificate.RawData) } };
        string signingInput = Base64Url(JsonSerializer.SerializeToUtf8Bytes(header)) + "." + Base64Url(JsonSerializer.SerializeToUtf8Bytes(claims));
        byte[] signature = _key.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        string token = signingInput + "." + Base64Url(signature);
        return Results.Json(new { token, access_token = token, expires_in = 900 });
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
