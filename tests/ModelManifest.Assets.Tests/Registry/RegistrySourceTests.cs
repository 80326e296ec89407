using ModelManifest.Assets.Tests.Infrastructure;

namespace ModelManifest.Assets.Tests.Registry;

/// <summary>A registry URL as a source: blobs by sha256 through the engine, HEAD probe, ranges, redirects, tokens.</summary>
public sealed class RegistrySourceTests : RegistryTestBase
{
    [Fact]
    public async Task A_registry_location_serves_the_blob_by_sha256_through_the_engine_after_a_HEAD_probe()
    {
        var (content, asset) = BlobInRegistry(5000, 901);

        using var source = (IDisposable)AssetSourceFactory.Create(Location);
        Engine.Manager.AddSource((IAssetSource)source);
        var result = await Engine.Manager.GetAsync(asset);

        Assert.Equal(content, File.ReadAllBytes(result.CachePath));
        Assert.Equal("registry:" + Registry.BaseUrl.ToString().TrimEnd('/'), result.SourceName);
        var requests = Registry.Requests.Select(r => $"{r.Method} {r.Path}").ToList();
        Assert.Equal([$"HEAD /v1/blobs/sha256/{asset.Sha256}", $"GET /v1/blobs/sha256/{asset.Sha256}"], requests);
    }

    [Theory]
    [InlineData("registry")]
    [InlineData("REGISTRY")]
    public void Kind_registry_makes_a_plain_http_url_a_registry_source(string kind)
    {
        using var source = (IDisposable)AssetSourceFactory.Create(Registry.BaseUrl.ToString().TrimEnd('/'), new Dictionary<string, string> { ["Kind"] = kind });

        Assert.IsType<RegistryAssetSource>(source);
        Assert.Equal("registry:" + Registry.BaseUrl.ToString().TrimEnd('/'), ((IAssetSource)source).Name);
    }

    [Fact]
    public async Task A_blob_the_registry_lacks_is_not_here_and_the_next_source_serves_it()
    {
        var content = TestContent.Bytes(2000, 902);
        var asset = TestFiles.Asset(content);
        Engine.Manager.AddSource(AssetSourceFactory.Create(Location), 10);
        AddFallbackMirror(asset, content);

        var result = await Engine.Manager.GetAsync(asset);

        Assert.Equal("mirror", result.SourceName);
        var attempt = Assert.Single(result.Attempts);
        Assert.Equal(AssetDiagnosticIds.NotInSource, attempt.Code);
        Assert.Contains($"no blob sha256:{asset.Sha256}", attempt.Message);
        Assert.DoesNotContain(Registry.Requests, r => r.Method == "GET");
    }

    [Fact]
    public async Task A_ranged_read_asks_the_registry_for_exactly_that_range()
    {
        var (content, asset) = BlobInRegistry(10_000, 903);
        using var source = (RegistryAssetSource)AssetSourceFactory.Create(Location);

        await using var range = await source.OpenRangeAsync(asset, 1000, 2500, CancellationToken.None);
        using var read = new MemoryStream();
        await range.Stream.CopyToAsync(read);

        Assert.Equal((1000, 2500L), (range.Offset, range.Length!.Value));
        Assert.Equal(content.AsSpan(1000, 2500).ToArray(), read.ToArray());
        Assert.Equal("bytes=1000-3499", Assert.Single(Registry.Requests).Range);
    }

    [Fact]
    public async Task A_307_to_the_blob_store_is_followed_without_the_registry_token()
    {
        var (content, asset) = BlobInRegistry(3000, 904);
        Registry.ReadToken = "mmr_read-token-904";
        Registry.BlobRedirectBase = new Uri(Server.BaseUrl, "store/");
        Server.Add("store/" + asset.Sha256, content);

        Engine.Manager.AddSource(AssetSourceFactory.Create(Location, WithToken("mmr_read-token-904")));
        var result = await Engine.Manager.GetAsync(asset);

        Assert.Equal(content, File.ReadAllBytes(result.CachePath));
        Assert.All(Registry.Requests, r => Assert.Equal("Bearer mmr_read-token-904", r.Authorization));
        var stored = Assert.Single(Server.Requests);
        Assert.Equal("/store/" + asset.Sha256, stored.Path);
        Assert.Equal(string.Empty, stored.Authorization);
    }

    [Fact]
    public async Task A_wrong_token_is_a_clean_error_naming_the_registry_and_never_the_token()
    {
        var (content, asset) = BlobInRegistry(1000, 905);
        Registry.ReadToken = "mmr_right-905";

        Engine.Manager.AddSource(AssetSourceFactory.Create(Location, WithToken("mmr_wrong-secret-905")));
        var error = await Assert.ThrowsAsync<AssetException>(() => Engine.Manager.GetAsync(asset));

        Assert.Equal(AssetDiagnosticIds.NotFoundInAnySource, error.Code);
        var attempt = Assert.Single(error.Attempts);
        Assert.Equal("registry:" + Registry.BaseUrl.ToString().TrimEnd('/'), attempt.SourceName);
        Assert.Contains("HTTP 401", attempt.Message);
        Assert.DoesNotContain("wrong-secret", error.ToString());
    }

    [Theory]
    [InlineData("registry+https://reader:pa55word@registry.example/", "pa55word")]
    [InlineData("registry+https://registry.example/?sig=s3cr3t", "s3cr3t")]
    [InlineData("registry+ftp://registry.example/", null)]
    public void A_bad_registry_location_is_MM1015_without_its_secret(string location, string? secret)
    {
        var error = Assert.Throws<AssetException>(() => AssetSourceFactory.Create(location));

        Assert.Equal(AssetDiagnosticIds.InvalidSourceLocation, error.Code);
        if (secret is not null)
        {
            Assert.DoesNotContain(secret, error.Message);
        }
    }
}
