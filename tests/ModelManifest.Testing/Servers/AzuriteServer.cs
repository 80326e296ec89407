using System.Globalization;

namespace ModelManifest.Testing;

/// <summary>
/// Microsoft's Azure Storage emulator (the npm package <c>azurite</c>, its blob service <c>azurite-blob</c>) on 127.0.0.1
/// with a temp data folder. It serves the well-known development account <see cref="AccountName"/> path-style
/// (<c>http://127.0.0.1:port/devstoreaccount1</c>) and checks shared-key signatures, so a wrong key is refused as by
/// Azure itself. <c>--skipApiVersionCheck</c>: the SDK may speak a newer service version than this Azurite knows.
/// </summary>
public sealed class AzuriteServer : ExternalServer
{
    /// <summary>The emulator's development account.</summary>
    public const string AccountName = "devstoreaccount1";

    /// <summary>The development account's key, published by Microsoft (not a secret).</summary>
    public const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private readonly TempDir _data;

    private AzuriteServer(TempDir data, int port)
        : base(NpmTool("azurite-blob"), Arguments(data.Path, port), port)
    {
        _data = data;
    }

    /// <summary>The blob service URL of the development account (path-style, as Azurite serves it).</summary>
    public Uri ServiceUri => new($"http://127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}/{AccountName}");

    /// <summary>A connection string for the development account with the given key (default: the right one).</summary>
    public string ConnectionString(string key = AccountKey) =>
        $"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={key};BlobEndpoint={ServiceUri};";

    /// <summary>Starts azurite-blob on a free loopback port.</summary>
    public static AzuriteServer Start() => new(new TempDir(), FreePort());

    /// <inheritdoc />
    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        _data.Dispose();
    }

    private static IEnumerable<string> Arguments(string directory, int port) =>
    [
        "--blobHost", "127.0.0.1",
        "--blobPort", port.ToString(CultureInfo.InvariantCulture),
        "--location", directory,
        "--skipApiVersionCheck",
        "--loose",
        "--silent",
    ];
}
