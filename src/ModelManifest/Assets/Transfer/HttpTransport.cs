using System.Net;
using System.Net.Http;
using System.Reflection;

namespace ModelManifest.Assets;

/// <summary>
/// The one HTTP stack every <see cref="HttpAssetSource"/> without a custom handler shares: a single
/// <see cref="SocketsHttpHandler"/> (so connections are pooled across sources and assets), configured for blobs.
/// </summary>
internal static class HttpTransport
{
    private static readonly Lazy<SocketsHttpHandler> s_shared = new(() => new SocketsHttpHandler
    {
        AllowAutoRedirect = false, // the source follows redirects itself, so credentials never reach another host
        AutomaticDecompression = DecompressionMethods.None, // blobs are hashed as served; a compressed body would not be the blob
        PooledConnectionLifetime = TimeSpan.FromMinutes(5), // DNS changes are picked up
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
        MaxConnectionsPerServer = TransferOptions.DefaultMaxConnectionsPerHost,
        EnableMultipleHttp2Connections = true,
    });

    /// <summary>The <c>User-Agent</c> sent with every request: the product and its version.</summary>
    public static string UserAgent { get; } = "ModelManifest/" + ProductVersion();

    /// <summary>A client over the shared handler, or over <paramref name="custom"/> (which the client then owns).</summary>
    public static HttpClient CreateClient(HttpMessageHandler? custom)
    {
        var client = new HttpClient(custom ?? s_shared.Value, disposeHandler: custom is not null) { Timeout = Timeout.InfiniteTimeSpan };
        client.DefaultRequestHeaders.UserAgent.ParseAdd(UserAgent);
        return client;
    }

    /// <summary>Asks for HTTP/2 where the server offers it (TLS with ALPN), HTTP/1.1 otherwise.</summary>
    public static void PreferHttp2(HttpRequestMessage request)
    {
        request.Version = HttpVersion.Version20;
        request.VersionPolicy = HttpVersionPolicy.RequestVersionOrLower;
    }

    /// <summary>
    /// A transport failure in words a person can act on. HttpClient's own message for a failed TLS handshake is "The SSL
    /// connection could not be established, see inner exception"; this names the cause and what to do: where a private
    /// certificate authority is added (an untrusted certificate), or http:// (a plain HTTP server asked for https://).
    /// </summary>
    public static string Describe(Exception e)
    {
        if (e is OperationCanceledException)
        {
            return "timed out";
        }

        if (IsTlsFailure(e))
        {
            var cause = Innermost(e).Message.TrimEnd('.');
            return cause.Contains("certificate", StringComparison.OrdinalIgnoreCase)
                ? $"the TLS handshake failed: {cause}. If the server's certificate comes from a private certificate authority, add that authority to this machine's trusted certificates (on Linux: the system store, or SSL_CERT_FILE / SSL_CERT_DIR)"
                : $"the TLS handshake failed: {cause}. The server did not answer as an HTTPS server; if it serves plain HTTP, write http:// instead of https://";
        }

        var message = e.Message;
        return e.InnerException is { } inner && message.Contains("inner exception", StringComparison.OrdinalIgnoreCase)
            ? Innermost(inner).Message
            : message;
    }

    /// <summary>Whether asking again cannot help: a certificate that is not trusted now will not be trusted in a second.</summary>
    public static bool IsPermanent(Exception e) => IsTlsFailure(e);

    private static bool IsTlsFailure(Exception e) =>
        e is HttpRequestException { HttpRequestError: HttpRequestError.SecureConnectionError }
        || e.InnerException is System.Security.Authentication.AuthenticationException;

    private static Exception Innermost(Exception e)
    {
        while (e.InnerException is { } inner)
        {
            e = inner;
        }

        return e;
    }

    private static string ProductVersion()
    {
        var assembly = typeof(HttpTransport).Assembly;
        var version = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            ?? assembly.GetName().Version?.ToString()
            ?? "0.0.0";
        var plus = version.IndexOf('+', StringComparison.Ordinal);
        return plus < 0 ? version : version[..plus]; // without the commit hash
    }
}
