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
