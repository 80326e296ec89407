namespace ModelManifest.Sources.HuggingFace.Tests;

/// <summary>The hf:// source through the engine against a hub on loopback that answers as huggingface.co does.</summary>
public sealed class HuggingFaceSourceTests : IAsyncLifetime, IDisposable
{
    private readonly TempDir _temp = new();
    private readonly byte[] _weights = TestContent.Bytes(3 << 20, 1);
    private readonly byte[] _newWeights = TestContent.Bytes(3 << 20, 2);
    private readonly byte[] _config = System.Text.Encoding.UTF8.GetBytes("{\"model_type\":\"weather\"}\n");
    private HubServer _hub = null!;
    private string _first = null!;

    public async Task InitializeAsync()
    {
        _hub = await HubServer.StartAsync();
        _first = _hub.Commit("main", new() { ["model.safetensors"] = new(_weights, Lfs: true), ["config.json"] = new(_config, Lfs: false) });
        _hub.Commit("main", new() { ["model.safetensors"] = new(_newWeights, Lfs: true), ["config.json"] = new(_config, Lfs: false) });
    }

    public async Task DisposeAsync() => await _hub.DisposeAsync();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task An_lfs_file_comes_from_the_cdn_host_which_never_receives_the_token()
    {
        using var env = new ScopedEnvironment(("HF_TOKEN", "hf_secret_token_1234"));
        var manager = Manager(new TransferOptions { MinimumSplitSize = 1 << 20, PartSize = 1 << 20 }); // split: ranges through the redirect
        manager.AddSource(Source("hf://acme/weather"));

        AssetResult result = await manager.GetAsync(Assets.Of(_newWeights, "model.safetensors"));

        Assert.Equal("hf://acme/weather@main", result.SourceName);
        Assert.Equal(_newWeights, await File.ReadAllBytesAsync(result.CachePath));
        Assert.Contains(_hub.OnHub, r => r.Method == "HEAD" && r.Authorization == "Bearer hf_secret_token_1234");
        Assert.NotEmpty(_hub.OnCdn);
        Assert.All(_hub.OnCdn, r => Assert.Equal(string.Empty, r.Authorization));
        Assert.True(_hub.OnCdn.Count(r => r.Method == "GET") > 1, "the asset was fetched in ranges from the CDN");
    }

    [Fact]
    public async Task A_small_file_kept_in_git_is_served_by_the_hub_itself()
    {
        var manager = Manager();
        manager.AddSource(Source("hf://acme/weather"));

        AssetResult result = await manager.GetAsync(Assets.Of(_config, "config.json", "config"));

        Assert.Equal(_config, await File.ReadAllBytesAsync(result.CachePath));
        Assert.Empty(_hub.OnCdn);
    }

    [Fact]
    public async Task A_size_mismatch_is_refused_before_any_byte_is_downloaded()
    {
        var asset = Assets.Of(_newWeights, "model.safetensors") with { Size = _newWeights.Length + 1 };
        var manager = Manager();
        manager.AddSource(Source("hf://acme/weather"));

        var error = await Assert.ThrowsAsync<AssetException>(() => manager.GetAsync(asset));

        SourceAttempt attempt = Assert.Single(error.Attempts);
        Assert.Equal(AssetDiagnosticIds.NotInSource, attempt.Code);
        Assert.Contains($"{_newWeights.Length} bytes", attempt.Message);
        Assert.Contains($"{asset.Size}", attempt.Message);
        Assert.Empty(_hub.OnCdn);
        Assert.DoesNotContain(_hub.OnHub, r => r.Method == "GET");
    }

    [Fact]
    public async Task An_etag_that_is_not_the_manifests_sha256_is_refused_before_download_and_the_next_source_serves()
    {
        string other = TestContent.Sha256(_weights);
        var manager = Manager();
        manager.AddSource(Source("hf://acme/weather"), 0);
        var folder = _temp.Sub("mirror");
        await File.WriteAllBytesAsync(Path.Combine(folder, "model.safetensors"), _weights);
        manager.AddSource(new DirectoryAssetSource(folder), 10);

        AssetResult result = await manager.GetAsync(Assets.Of(_weights, "model.safetensors"));

        Assert.StartsWith("directory:", result.SourceName, StringComparison.Ordinal);
        SourceAttempt refused = Assert.Single(result.Attempts);
        Assert.Contains(TestContent.Sha256(_newWeights), refused.Message);
        Assert.Contains(other, refused.Message);
        Assert.Empty(_hub.OnCdn);
    }

    [Fact]
    public async Task A_revision_pinned_to_a_commit_serves_that_commits_file_and_downloads_from_it()
    {
        var manager = Manager();
        manager.AddSource(Source($"hf://acme/weather@{_first}"));

        AssetResult result = await manager.GetAsync(Assets.Of(_weights, "model.safetensors"));

        Assert.Equal(_weights, await File.ReadAllBytesAsync(result.CachePath));
        Assert.Equal($"hf://acme/weather@{_first}", result.SourceName);
        Assert.All(_hub.OnHub, r => Assert.StartsWith($"/acme/weather/resolve/{_first}/", r.Path, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_moving_branch_is_downloaded_from_the_commit_the_probe_saw()
    {
        var manager = Manager();
        manager.AddSource(Source("hf://acme/weather"));

        await manager.GetAsync(Assets.Of(_newWeights, "model.safetensors"));

        var gets = _hub.OnHub.Where(r => r.Method == "GET").ToList();
        Assert.NotEmpty(gets);
        Assert.All(gets, r => Assert.DoesNotContain("/resolve/main/", r.Path, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_gated_repository_without_a_token_fails_with_how_to_get_access()
    {
        _hub.GatedFor = "hf_granted_token_999";
        using var env = new ScopedEnvironment(("HF_TOKEN", null), ("HF_TOKEN_PATH", _temp.File("no-token")));
        var manager = Manager();
        manager.AddSource(Source("hf://acme/weather"));

        var error = await Assert.ThrowsAsync<AssetException>(() => manager.GetAsync(Assets.Of(_newWeights, "model.safetensors")));

        SourceAttempt attempt = Assert.Single(error.Attempts);
        Assert.Equal(AssetDiagnosticIds.InvalidCredential, attempt.Code);
        Assert.Contains("accept its terms", attempt.Message);
        Assert.Contains($"{_hub.Endpoint.AbsoluteUri}acme/weather", attempt.Message);
        Assert.Contains("HF_TOKEN", attempt.Message);
        Assert.Contains("HTTP 401", attempt.Message);
        Assert.Empty(_hub.OnCdn);
    }

    [Fact]
    public async Task A_token_without_access_gets_403_and_the_message_never_shows_it()
    {
        _hub.GatedFor = "hf_granted_token_999";
        string tokenFile = _temp.Write("token", System.Text.Encoding.UTF8.GetBytes("hf_not_granted_token_777\n"));
        using var env = new ScopedEnvironment(("HF_TOKEN", null), ("HF_TOKEN_PATH", tokenFile));
        var manager = Manager();
        manager.AddSource(Source("hf://acme/weather"));

        var error = await Assert.ThrowsAsync<AssetException>(() => manager.GetAsync(Assets.Of(_newWeights, "model.safetensors")));

        SourceAttempt attempt = Assert.Single(error.Attempts);
        Assert.Contains("HTTP 403", attempt.Message);
        Assert.Contains("has no access", attempt.Message);
        Assert.DoesNotContain("hf_not_granted_token_777", error.ToString());
        Assert.Contains(_hub.OnHub, r => r.Authorization == "Bearer hf_not_granted_token_777");
    }

    [Fact]
    public async Task The_token_file_under_HF_HOME_is_used_when_HF_TOKEN_is_unset()
    {
        _hub.GatedFor = "hf_granted_token_999";
        string home = _temp.Sub("hf-home");
        await File.WriteAllTextAsync(Path.Combine(home, "token"), "hf_granted_token_999");
        using var env = new ScopedEnvironment(("HF_TOKEN", null), ("HF_TOKEN_PATH", null), ("HF_HOME", home));
        var manager = Manager();
        manager.AddSource(Source("hf://acme/weather"));

        AssetResult result = await manager.GetAsync(Assets.Of(_newWeights, "model.safetensors"));

        Assert.Equal(_newWeights, await File.ReadAllBytesAsync(result.CachePath));
    }

    [Fact]
    public async Task A_missing_file_or_revision_is_not_here_and_the_next_source_is_asked()
    {
        var folder = _temp.Sub("mirror");
        byte[] other = TestContent.Bytes(1000, 9);
        await File.WriteAllBytesAsync(Path.Combine(folder, "tokenizer.json"), other);
        var manager = Manager();
        manager.AddSource(Source("hf://acme/weather"), 0);
        manager.AddSource(Source("hf://acme/weather@no-such-branch"), 1);
        manager.AddSource(new DirectoryAssetSource(folder), 10);

        AssetResult result = await manager.GetAsync(Assets.Of(other, "tokenizer.json", "tokenizer"));

        Assert.Equal(2, result.Attempts.Count);
        Assert.All(result.Attempts, a => Assert.Equal(AssetDiagnosticIds.NotInSource, a.Code));
        Assert.Contains("has no file 'tokenizer.json'", result.Attempts[0].Message);
        Assert.Contains("no revision 'no-such-branch'", result.Attempts[1].Message);
    }

    [Fact]
    public async Task A_range_is_read_from_the_cdn_exactly()
    {
        var source = (IRangedAssetSource)Source("hf://acme/weather");
        var asset = Assets.Of(_newWeights, "model.safetensors");

        await using AssetContent content = await source.OpenRangeAsync(asset, 1000, 5000, CancellationToken.None);
        var buffer = new MemoryStream();
        await content.Stream.CopyToAsync(buffer);

        Assert.Equal(1000, content.Offset);
        Assert.Equal(_newWeights.AsSpan(1000, 5000).ToArray(), buffer.ToArray());
    }

    [Theory]
    [InlineData("1")]
    [InlineData("true")]
    [InlineData("YES")]
    public async Task HF_HUB_OFFLINE_turns_offline_mode_on_and_no_request_is_made(string value)
    {
        using var env = new ScopedEnvironment(("HF_HUB_OFFLINE", value), ("MODELMANIFEST_OFFLINE", null));
        var manager = new AssetManager(new AssetCache(_temp.Sub("cache")), new AssetManagerOptions());
        manager.AddSource(Source("hf://acme/weather"));

        var error = await Assert.ThrowsAsync<AssetException>(() => manager.GetAsync(Assets.Of(_newWeights, "model.safetensors")));

        Assert.True(manager.IsOffline);
        Assert.Equal(AssetDiagnosticIds.OfflineNotAvailable, error.Code);
        Assert.Empty(_hub.Requests);
    }

    [Theory]
    [InlineData("hf://acme")]
    [InlineData("hf://acme/weather/extra")]
    [InlineData("hf://acme/we ather")]
    public void A_malformed_location_is_MM1015(string location)
    {
        var error = Assert.Throws<AssetException>(() => AssetSourceFactory.Create(location));
        Assert.Equal(AssetDiagnosticIds.InvalidSourceLocation, error.Code);
        Assert.Contains("hf://namespace/repo", error.Message);
    }

    [Fact]
    public void HF_ENDPOINT_is_the_hub_when_no_Endpoint_setting_is_given()
    {
        using var env = new ScopedEnvironment(("HF_ENDPOINT", "http://127.0.0.1:1/mirror"));
        var repository = HuggingFaceRepository.Parse(new AssetSourceLocation("hf://acme/weather@v1", "hf", null, "/"), null);

        Assert.Equal("http://127.0.0.1:1/mirror/acme/weather/resolve/v1/onnx/model.onnx", repository.ResolveUrl("v1", "onnx/model.onnx").AbsoluteUri);
        Assert.Equal("onnx/model.onnx", repository.PathFromHint("https://huggingface.co/acme/weather/resolve/abc/onnx/model.onnx"));
    }

    private IAssetSource Source(string location) =>
        AssetSourceFactory.Create(location, new Dictionary<string, string> { ["Endpoint"] = _hub.Endpoint.AbsoluteUri });

    private AssetManager Manager(TransferOptions? transfer = null) =>
        new(new AssetCache(_temp.Sub("cache-" + Guid.NewGuid().ToString("N")[..6])), new AssetManagerOptions { Offline = false, Transfer = transfer ?? new TransferOptions() });
}
