using System.Text;
using System.Text.Json;

namespace ModelManifest.Sources.Azure.Tests;

/// <summary>
/// <c>DefaultAzureCredential</c>, the credential chain of most Azure deployments, end to end: the built
/// <c>modelmanifest</c> tool with no <c>AZURE_STORAGE_*</c> variable, on a machine whose managed identity endpoint (the
/// App Service form, <c>IDENTITY_ENDPOINT</c> and <c>IDENTITY_HEADER</c>, here a loopback server) hands out a Microsoft
/// Entra token, fetches from Azurite over HTTPS with that token; the endpoint comes from <c>--source-setting Endpoint=…</c>.
/// A token for another audience is refused by the service and reported as MM1014 naming the credential, never the token.
/// </summary>
public sealed class AzureBlobManagedIdentityTests(AzuriteOAuthFixture azurite) : IClassFixture<AzuriteOAuthFixture>, IDisposable
{
    /// <summary>Every variable that would give the tool a credential other than the managed identity under test.</summary>
    private static readonly string[] s_otherCredentials =
    [
        "AZURE_STORAGE_CONNECTION_STRING", "AZURE_STORAGE_ACCOUNT", "AZURE_STORAGE_KEY", "AZURE_STORAGE_SAS_TOKEN",
        "AZURE_CLIENT_ID", "AZURE_CLIENT_SECRET", "AZURE_TENANT_ID", "AZURE_CLIENT_CERTIFICATE_PATH", "AZURE_USERNAME",
        "AZURE_PASSWORD", "AZURE_FEDERATED_TOKEN_FILE", "MSI_ENDPOINT", "MSI_SECRET", "IDENTITY_SERVER_THUMBPRINT",
        "IMDS_ENDPOINT",
    ];

    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task DefaultAzureCredential_takes_the_managed_identity_token_and_fetches_over_https()
    {
        var content = TestContent.Bytes(120_000, 41);
        await azurite.PutAsync("mi/weights.bin", content);
        await using var identity = await LoopbackServer.StartAsync();
        string token = Token("https://storage.azure.com");
        identity.Add("msi/token", TokenAnswer(token));

        var result = Fetch(identity, content, "mi");

        Assert.True(result.ExitCode == 0, result.StdErr + result.StdOut);
        var served = Assert.Single(JsonDocument.Parse(result.StdOut).RootElement.GetProperty("assets").EnumerateArray().ToList());
        Assert.Equal($"azblob://{AzuriteServer.AccountName}/{AzuriteOAuthFixture.ContainerName}/mi", served.GetProperty("source").GetString());
        Assert.Equal(content, File.ReadAllBytes(served.GetProperty("path").GetString()!));
        Assert.Contains(identity.Requests, r => r.Path == "/msi/token"); // the token came from the managed identity endpoint
        Assert.DoesNotContain(token, result.StdOut + result.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_token_for_another_audience_is_refused_as_MM1014_naming_the_credential_but_not_the_token()
    {
        var content = TestContent.Bytes(2_000, 42);
        await azurite.PutAsync("mi-denied/weights.bin", content);
        await using var identity = await LoopbackServer.StartAsync();
        string token = Token("https://vault.azure.net");
        identity.Add("msi/token", TokenAnswer(token));

        var result = Fetch(identity, content, "mi-denied");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("MM1014 access denied (HTTP 403", result.StdErr, StringComparison.Ordinal);
        Assert.Contains("using DefaultAzureCredential", result.StdErr, StringComparison.Ordinal);
        Assert.DoesNotContain(token, result.StdOut + result.StdErr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.StdErr, StringComparison.Ordinal);
    }

    /// <summary>Runs <c>fetch --json</c> of a one-asset manifest from <paramref name="prefix"/> with only the managed identity to go on.</summary>
    private DotnetTool.Result Fetch(LoopbackServer identity, byte[] content, string prefix)
    {
        string manifest = _dir.Write("mi.models.json", JsonSerializer.SerializeToUtf8Bytes(new
        {
            schemaVersion = "1.1",
            models = new[] { new { id = "weather", version = "1.0.0", assets = new[] { new { id = "weights" } } } },
            assets = new[] { new { id = "weights", fileName = "weights.bin", size = content.Length, sha256 = TestContent.Sha256(content) } },
        }));
        var environment = s_otherCredentials.Select(name => new KeyValuePair<string, string?>(name, null)).Concat(
        [
            new("IDENTITY_ENDPOINT", new Uri(identity.BaseUrl, "msi/token").ToString()),
            new("IDENTITY_HEADER", "test-identity-header"),
            new("SSL_CERT_FILE", azurite.Server.CertificatePath),
        ]);
        string location = $"azblob://{AzuriteServer.AccountName}/{AzuriteOAuthFixture.ContainerName}/{prefix}";
        return DotnetTool.Run(CliDll, [
            "fetch", "-m", manifest, "--cache", _dir.File("cache-" + prefix), "--json", "--no-local-caches",
            "--source", location, "--source-setting", $"Endpoint={azurite.Server.ServiceUri}",
        ], environment);
    }

    /// <summary>An unsigned Microsoft Entra access token (Azurite's basic OAuth mode checks the claims, not the signature).</summary>
    private static string Token(string audience)
    {
        long now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        const string Tenant = "ab1f708d-50f6-404c-a006-d71b2ac7a606";
        string header = Base64Url(JsonSerializer.SerializeToUtf8Bytes(new { alg = "RS256", typ = "JWT" }));
        string claims = Base64Url(JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
        {
            ["aud"] = audience,
            ["iss"] = $"https://sts.windows.net/{Tenant}/",
            ["iat"] = now,
            ["nbf"] = now - 60,
            ["exp"] = now + 3600,
            ["oid"] = Guid.NewGuid().ToString(),
            ["tid"] = Tenant,
        }));
        return $"{header}.{claims}.{Base64Url(Guid.NewGuid().ToByteArray())}";
    }

    /// <summary>The App Service managed identity endpoint's answer.</summary>
    private static ServedFile TokenAnswer(string token) => new(JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string>
    {
        ["access_token"] = token,
        ["expires_on"] = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["resource"] = "https://storage.azure.com",
        ["token_type"] = "Bearer",
    }))
    {
        ContentType = "application/json",
    };

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>The CLI built in this test's configuration (bin/&lt;Configuration&gt;/net10.0).</summary>
    private static string CliDll => Path.Combine(TestPaths.RepositoryRoot, "src", "ModelManifest.Cli", "bin",
        Path.GetFileName(Path.GetDirectoryName(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)))!, "net10.0", "ModelManifest.Cli.dll");
}
