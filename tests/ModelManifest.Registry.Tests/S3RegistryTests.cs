using System.Net;
using System.Net.Http.Headers;
using static ModelManifest.Registry.Tests.RegistryApi;

namespace ModelManifest.Registry.Tests;

/// <summary>The S3 blob store against a real S3 API (s3rver): upload, dedup, 307 to a presigned URL without credentials.</summary>
public sealed class S3RegistryTests : IAsyncLifetime
{
    private readonly TempDir _data = new();
    private S3Server _s3 = null!;
    private RegistryServer _registry = null!;

    public Task InitializeAsync()
    {
        _s3 = S3Server.Start("models");
        _registry = RegistryServer.Start(_data.Path, ["--blob-store", "s3://models/registry"], _s3.ClientEnvironment.ToDictionary());
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _registry.DisposeAsync();
        await _s3.DisposeAsync();
        _data.Dispose();
    }

    [Fact]
    public async Task Blobs_go_to_the_bucket_once_and_reads_redirect_to_a_presigned_url()
    {
        using HttpClient admin = _registry.Client(RegistryServer.AdminToken);
        byte[] bytes = Bytes(200_000, 70);
        string sha = Sha256(bytes);
        Assert.Equal(HttpStatusCode.Created, (await PutBlobAsync(admin, bytes)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await PutBlobAsync(admin, bytes)).StatusCode);
        string other = Sha256(Bytes(100, 72));
        await AssertProblemAsync(await PutBlobAsync(admin, Bytes(100, 71), other), HttpStatusCode.BadRequest, "MM3007");
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"v1/blobs/sha256/{other}")).StatusCode);
        Assert.Empty(Directory.GetFiles(_data.Path, sha, SearchOption.AllDirectories));
        Assert.Equal(HttpStatusCode.Created, (await PublishAsync(admin, "s3-model", "1.0.0", Manifest("s3-model", "1.0.0", bytes))).StatusCode);

        using var noRedirects = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri(_registry.BaseUrl + "/") };
        noRedirects.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", RegistryServer.AdminToken);
        using HttpResponseMessage redirect = await noRedirects.GetAsync($"v1/blobs/sha256/{sha}");
        Assert.Equal(HttpStatusCode.TemporaryRedirect, redirect.StatusCode);
        Uri location = redirect.Headers.Location!;
        Assert.Equal(_s3.Port, location.Port);
        Assert.Contains("X-Amz-Signature=", location.Query, StringComparison.Ordinal);
        Assert.Contains("X-Amz-Expires=900", location.Query, StringComparison.Ordinal);
        Assert.Empty(location.UserInfo);
        Assert.DoesNotContain(RegistryServer.AdminToken, location.AbsoluteUri, StringComparison.Ordinal);

        // The presigned URL alone is enough: no registry credential goes to the blob host.
        using var plain = new HttpClient();
        Assert.Equal(bytes, await plain.GetByteArrayAsync(location));

        // A client following the redirect with the registry's token: HttpClient drops Authorization on redirects.
        using HttpClient following = _registry.Client(RegistryServer.AdminToken);
        using HttpResponseMessage followed = await following.GetAsync($"v1/blobs/sha256/{sha}");
        Assert.Equal(HttpStatusCode.OK, followed.StatusCode);
        Assert.Null(followed.RequestMessage!.Headers.Authorization);
        Assert.Equal(bytes, await followed.Content.ReadAsByteArrayAsync());

        using var head = new HttpRequestMessage(HttpMethod.Head, $"v1/blobs/sha256/{sha}");
        using HttpResponseMessage headers = await admin.SendAsync(head);
        Assert.Equal(HttpStatusCode.OK, headers.StatusCode);
        Assert.Equal(bytes.Length, headers.Content.Headers.ContentLength);

        using HttpResponseMessage hub = await noRedirects.GetAsync("registry/s3-model/resolve/1.0.0/weights.bin");
        Assert.Equal(HttpStatusCode.TemporaryRedirect, hub.StatusCode);
        Assert.Equal(bytes.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), hub.Headers.GetValues("X-Linked-Size").Single());

        // The product's own client: `modelmanifest fetch --source registry+http://…` with a token follows the 307 to
        // the bucket (without the token) and verifies the bytes into its cache.
        using var work = new TempDir();
        string manifest = work.File("s3-model.models.json");
        File.WriteAllText(manifest, Manifest("s3-model", "1.0.0", bytes).ToJsonString());
        string cli = Path.Combine(TestPaths.RepositoryRoot, "src", "ModelManifest.Cli", "bin", "Release", "net10.0", "ModelManifest.Cli.dll");
        var fetch = DotnetTool.Run(cli, ["fetch", "-m", manifest, "--source", "registry+" + _registry.BaseUrl + "/", "--token-env", "MM_REGISTRY_TOKEN",
            "--cache", work.File("cache"), "--no-local-caches", "--json"], [KeyValuePair.Create("MM_REGISTRY_TOKEN", (string?)RegistryServer.AdminToken)]);
        Assert.True(fetch.ExitCode == 0, fetch.StdOut + fetch.StdErr);
        Assert.Contains(sha, fetch.StdOut, StringComparison.Ordinal);
        Assert.Contains("registry:", fetch.StdOut, StringComparison.Ordinal);
        Assert.DoesNotContain(RegistryServer.AdminToken, fetch.StdOut + fetch.StdErr, StringComparison.Ordinal);
    }
}
