using System.Globalization;

namespace ModelManifest.Testing;

/// <summary>
/// Microsoft's Azure Storage emulator (the npm package <c>azurite</c>, its blob service <c>azurite-blob</c>) on 127.0.0.1
/// with a temp data folder. It serves the well-known development account <see cref="AccountName"/> path-style
/// (<c>http://127.0.0.1:port/devstoreaccount1</c>) and checks shared-key signatures, so a wrong key is refused as by
/// Azure itself. <c>--skipApiVersionCheck</c>: the SDK may speak a newer service version than this Azurite knows.
/// <see cref="StartWithOAuth"/> serves HTTPS (a fresh self-signed certificate) and also accepts Microsoft Entra bearer
/// tokens (<c>--oauth basic</c>: the token's audience, issuer and lifetime are checked, its signature is not), which is
/// how <c>DefaultAzureCredential</c> is tested; Azurite refuses OAuth over plain HTTP, as Azure does.
/// </summary>
public sealed class AzuriteServer : ExternalServer
{
    /// <summary>The emulator's development account.</summary>
    public const string AccountName = "devstoreaccount1";

    /// <summary>The development account's key, published by Microsoft (not a secret).</summary>
    public const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private readonly TempDir _data;

    private AzuriteServer(TempDir data, int port, (string Certificate, string Key)? tls)
        : base(NpmTool("azurite-blob"), Arguments(data.Path, port, tls), port)
    {
        _data = data;
        CertificatePath = tls?.Certificate;
    }

    /// <summary>With <see cref="StartWithOAuth"/>: the PEM file of the server's certificate, for a client to trust (<c>SSL_CERT_FILE</c>).</summary>
    public string? CertificatePath { get; }

    /// <summary>The blob service URL of the development account (path-style, as Azurite serves it).</summary>
    public Uri ServiceUri => new($"{(CertificatePath is null ? "http" : "https")}://127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}/{AccountName}");

    /// <summary>A connection string for the development account with the given key (default: the right one).</summary>
    public string ConnectionString(string key = AccountKey) =>
        $"DefaultEndpointsProtocol={ServiceUri.Scheme};AccountName={AccountName};AccountKey={key};BlobEndpoint={ServiceUri};";

    /// <summary>Starts azurite-blob on a free loopback port.</summary>
    public static AzuriteServer Start() => new(new TempDir(), FreePort(), null);

    /// <summary>Starts azurite-blob over HTTPS, accepting bearer tokens as well as shared keys.</summary>
    public static AzuriteServer StartWithOAuth()
    {
        var data = new TempDir();
        var (certificate, key) = LoopbackCertificate.WritePem(data.Path);
        return new(data, FreePort(), (certificate, key));
    }

    /// <inheritdoc />
    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        _data.Dispose();
    }

    private static IEnumerable<string> Arguments(string directory, int port, (string Certificate, string Key)? tls) =>
    [
        "--blobHost", "127.0.0.1",
        "--blobPort", port.ToString(CultureInfo.InvariantCulture),
        "--location", Path.Combine(directory, "data"),
        "--skipApiVersionCheck",
        "--loose",
        "--silent",
        .. tls is { } files ? ["--cert", files.Certificate, "--key", files.Key, "--oauth", "basic"] : Array.Empty<string>(),
    ];
}
