using System.Globalization;

namespace ModelManifest.Testing;

/// <summary>
/// A real OCI registry — CNCF Distribution (<c>/usr/bin/docker-registry</c> from Debian's docker-registry package) — on
/// 127.0.0.1 with filesystem storage in a temp folder. <see cref="StartAsync"/> is open to everyone;
/// <see cref="StartWithTokenAuthAsync"/> uses the distribution spec's token auth with a <see cref="RegistryTokenServer"/>.
/// </summary>
public sealed class OciRegistryServer : ExternalServer
{
    /// <summary>The registry program.</summary>
    public const string Program = "/usr/bin/docker-registry";

    private readonly TempDir _data;
    private readonly RegistryTokenServer? _tokens;

    private OciRegistryServer(TempDir data, string config, int port, RegistryTokenServer? tokens)
        : base(Program, ["serve", config], port)
    {
        _data = data;
        _tokens = tokens;
    }

    /// <summary>The host and port (<c>127.0.0.1:port</c>), as an <c>oci://</c> location or skopeo's <c>docker://</c> reference names it.</summary>
    public string Host => "127.0.0.1:" + Port.ToString(CultureInfo.InvariantCulture);

    /// <summary>The token service when the registry uses token auth, else <see langword="null"/>.</summary>
    public RegistryTokenServer? Tokens => _tokens;

    /// <summary>The folder holding the registry's storage and configuration.</summary>
    public string DataPath => _data.Path;

    /// <summary>Starts a registry that anyone may pull from and push to.</summary>
    public static Task<OciRegistryServer> StartAsync() => Task.FromResult(Start(null));

    /// <summary>Starts a registry behind token auth (see <see cref="RegistryTokenServer"/> for who may do what).</summary>
    public static async Task<OciRegistryServer> StartWithTokenAuthAsync()
    {
        var tokens = await RegistryTokenServer.StartAsync();
        try
        {
            return Start(tokens);
        }
        catch
        {
            await tokens.DisposeAsync();
            throw;
        }
    }

    /// <inheritdoc />
    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (_tokens is not null)
        {
            await _tokens.DisposeAsync();
        }

        _data.Dispose();
    }

    private static OciRegistryServer Start(RegistryTokenServer? tokens)
    {
        var data = new TempDir();
        int port = FreePort();
        string storage = Path.Combine(data.Path, "storage");
        Directory.CreateDirectory(storage);
        string auth = string.Empty;
        if (tokens is not null)
        {
            string bundle = Path.Combine(data.Path, "token-signer.pem");
            File.WriteAllText(bundle, tokens.CertificatePem);
            auth = $"""
                auth:
                  token:
                    realm: {tokens.Realm}
                    service: {RegistryTokenServer.Service}
                    issuer: {RegistryTokenServer.Issuer}
                    rootcertbundle: {bundle}
                """;
        }

        string config = Path.Combine(data.Path, "config.yml");
        File.WriteAllText(config, $"""
            version: 0.1
            log:
              level: warn
              accesslog:
                disabled: true
            storage:
              filesystem:
                rootdirectory: {storage}
              delete:
                enabled: true
            http:
              addr: 127.0.0.1:{port}
              secret: modelmanifest-test-upload-state
            {auth}
            """);
        try
        {
            return new OciRegistryServer(data, config, port, tokens);
        }
        catch
        {
            data.Dispose();
            throw;
        }
    }
}
