using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace ModelManifest.Sources.Azure.Tests;

/// <summary>
/// One Azurite per test class, with the container <see cref="ContainerName"/> created by the Azure SDK (the "other
/// client" that puts blobs our source must find), and the connection string in a variable of this fixture's own
/// (named by the <c>ConnectionStringEnvironmentVariable</c> setting), so classes running in parallel never share one.
/// </summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    public const string ContainerName = "models";

    private AzuriteServer? _server;

    public AzuriteServer Server => _server ?? throw new InvalidOperationException("not started");

    /// <summary>The environment variable holding this server's connection string.</summary>
    public string ConnectionStringVariable { get; } = "MM_TEST_AZURITE_" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();

    public BlobContainerClient Container { get; private set; } = null!;

    /// <summary>The azblob:// location of <paramref name="prefix"/> in the container.</summary>
    public static string Location(string prefix) => $"azblob://{AzuriteServer.AccountName}/{ContainerName}/{prefix}";

    /// <summary>Settings that read this server's connection string (which also names its endpoint).</summary>
    public Dictionary<string, string> Settings(params (string Key, string Value)[] more)
    {
        var settings = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["ConnectionStringEnvironmentVariable"] = ConnectionStringVariable };
        foreach (var (key, value) in more)
        {
            settings[key] = value;
        }

        return settings;
    }

    public async Task InitializeAsync()
    {
        _server = AzuriteServer.Start();
        Environment.SetEnvironmentVariable(ConnectionStringVariable, _server.ConnectionString());
        Container = new BlobServiceClient(_server.ConnectionString()).GetBlobContainerClient(ContainerName);
        await Container.CreateIfNotExistsAsync();
    }

    /// <summary>Puts a blob with the SDK directly, as a team's other tooling would.</summary>
    public async Task PutAsync(string name, byte[] bytes) =>
        await Container.GetBlobClient(name).UploadAsync(BinaryData.FromBytes(bytes), overwrite: true);

    public async Task DisposeAsync()
    {
        Environment.SetEnvironmentVariable(ConnectionStringVariable, null);
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    /// <summary>The blobs below <paramref name="prefix"/>, with their metadata.</summary>
    public async Task<Dictionary<string, BlobItem>> ListAsync(string prefix)
    {
        var blobs = new Dictionary<string, BlobItem>(StringComparer.Ordinal);
        await foreach (var item in Container.GetBlobsAsync(BlobTraits.Metadata, BlobStates.None, prefix, CancellationToken.None))
        {
            blobs[item.Name] = item;
        }

        return blobs;
    }
}

/// <summary>Assets that match deterministic content.</summary>
internal static class Assets
{
    public static AssetInfo For(byte[] content, string id = "weights", string fileName = "weights.bin", string? tag = null) => new()
    {
        Id = id,
        Tag = tag,
        FileName = fileName,
        Size = content.Length,
        Sha256 = TestContent.Sha256(content),
    };
}
