using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Azure.Core.Pipeline;
using Azure.Storage;
using Azure.Storage.Blobs;

namespace ModelManifest.Sources.Azure.Tests;

/// <summary>
/// One Azurite per test class serving HTTPS and accepting bearer tokens (<see cref="AzuriteServer.StartWithOAuth"/>), with
/// the container <see cref="ContainerName"/> and its blobs put by the Azure SDK with the account key (the "other client").
/// Only this fixture trusts the server's self-signed certificate; the CLI under test is told to through <c>SSL_CERT_FILE</c>.
/// </summary>
public sealed class AzuriteOAuthFixture : IAsyncLifetime
{
    public const string ContainerName = "models";

    private AzuriteServer? _server;
    private HttpClient? _http;

    public AzuriteServer Server => _server ?? throw new InvalidOperationException("not started");

    public BlobContainerClient Container { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _server = AzuriteServer.StartWithOAuth();
        using var trusted = X509Certificate2.CreateFromPem(File.ReadAllText(_server.CertificatePath!));
        string thumbprint = trusted.GetCertHashString();
        _http = new HttpClient(new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate is not null && certificate.GetCertHashString() == thumbprint,
            },
        });
        var options = new BlobClientOptions { Transport = new HttpClientTransport(_http) };
        var service = new BlobServiceClient(_server.ServiceUri, new StorageSharedKeyCredential(AzuriteServer.AccountName, AzuriteServer.AccountKey), options);
        Container = service.GetBlobContainerClient(ContainerName);
        await Container.CreateIfNotExistsAsync();
    }

    /// <summary>Puts a blob with the SDK and the account key.</summary>
    public async Task PutAsync(string name, byte[] bytes) =>
        await Container.GetBlobClient(name).UploadAsync(BinaryData.FromBytes(bytes), overwrite: true);

    public async Task DisposeAsync()
    {
        _http?.Dispose();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
