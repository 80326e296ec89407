using ModelManifest.Assets.Tests.Infrastructure;

namespace ModelManifest.Assets.Tests;

public sealed class SourcePriorityTests : LoopbackTestBase
{
    [Fact]
    public async Task Mirror_that_has_the_asset_serves_it_and_the_server_is_not_asked()
    {
        var content = TestContent.Bytes(300_000, 1);
        var asset = TestFiles.Asset(content);
        var mirror = Engine.Dir.Sub("mirror");
        File.WriteAllBytes(Path.Combine(mirror, asset.FileName), content);
        Server.Add(asset.FileName, content);
        Engine.Manager.AddSource(Engine.Http(Server.BaseUrl), priority: 10).AddSource(new DirectoryAssetSource(mirror, name: "mirror"), priority: 0);

        var result = await Engine.Manager.GetAsync(asset);

        Assert.Equal("mirror", result.SourceName);
        Assert.Equal(content, File.ReadAllBytes(result.CachePath));
        Assert.Equal(0, Server.RequestCount);
    }

    [Fact]
    public async Task Mirror_that_lacks_the_asset_falls_back_to_http_and_says_why()
    {
        var content = TestContent.Bytes(300_000, 2);
        var asset = TestFiles.Asset(content);
        Server.Add(asset.FileName, content);
        Engine.Manager.AddSource(new DirectoryAssetSource(Engine.Dir.Sub("mirror"), name: "mirror"), priority: 0).AddSource(Engine.Http(Server.BaseUrl), priority: 10);

        var result = await Engine.Manager.GetAsync(asset);

        Assert.StartsWith("http:", result.SourceName);
        Assert.Equal(content, File.ReadAllBytes(result.CachePath));
        var skipped = Assert.Single(result.Attempts);
        Assert.Equal(("mirror", AssetDiagnosticIds.NotInSource), (skipped.SourceName, skipped.Code));
    }

    [Fact]
    public async Task Http_serving_wrong_bytes_falls_through_to_the_next_source_and_nothing_wrong_is_cached()
    {
        var content = TestContent.Bytes(500_000, 3);
        var asset = TestFiles.Asset(content);
        Server.Add(asset.FileName, content).WrongBytes = true;
        var mirror = Engine.Dir.Sub("mirror");
        Directory.CreateDirectory(Path.Combine(mirror, "sha256"));
        File.WriteAllBytes(Path.Combine(mirror, "sha256", asset.Sha256), content);
        Engine.Manager.AddSource(Engine.Http(Server.BaseUrl), 0).AddSource(new DirectoryAssetSource(mirror, DirectoryLayout.Sha256, "mirror"), 1);

        var result = await Engine.Manager.GetAsync(asset);

        Assert.Equal("mirror", result.SourceName);
        Assert.Equal(AssetDiagnosticIds.HashMismatch, Assert.Single(result.Attempts).Code);
        Assert.Equal(TestContent.Sha256(File.ReadAllBytes(result.CachePath)), asset.Sha256);
    }

    [Fact]
    public async Task Wrong_bytes_from_the_only_source_fail_with_one_error_and_leave_the_cache_empty()
    {
        var (content, asset, served) = ServeOverHttp(500_000, 4);
        served.WrongBytes = true;

        var error = await Assert.ThrowsAsync<AssetException>(() => Engine.Manager.GetAsync(asset));

        Assert.Equal(AssetDiagnosticIds.NotFoundInAnySource, error.Code);
        Assert.Equal(AssetDiagnosticIds.HashMismatch, Assert.Single(error.Attempts).Code);
        Assert.Empty(Engine.CacheFiles());
        Assert.Empty(Engine.Cache.List());
    }

    [Fact]
    public async Task When_every_source_fails_one_error_names_every_source_and_what_it_said()
    {
        var asset = TestFiles.Asset(TestContent.Bytes(1000, 5));
        Engine.Manager
            .AddSource(new DirectoryAssetSource(Engine.Dir.Sub("a"), name: "team-mirror"), 5)
            .AddSource(Engine.Http(Server.BaseUrl), 7)
            .AddSource(Engine.Http(new Uri("http://127.0.0.1:9/"), configure: o => { o.Name = "dead-server"; o.MaxRetries = 0; }), 9);

        var error = await Assert.ThrowsAsync<AssetException>(() => Engine.Manager.GetAsync(asset));

        Assert.Equal(AssetDiagnosticIds.NotFoundInAnySource, error.Code);
        Assert.Equal(["team-mirror", Engine.Manager.Sources[1].Name, "dead-server"], error.Attempts.Select(a => a.SourceName));
        Assert.Equal([AssetDiagnosticIds.NotInSource, AssetDiagnosticIds.NotInSource, AssetDiagnosticIds.TransportError], error.Attempts.Select(a => a.Code));
        Assert.Contains("HTTP 404", error.Message);
        Assert.Contains("team-mirror", error.Message);
        Assert.Contains("dead-server", error.Message);
        Assert.Contains(asset.Key.ToString(), error.Message);
    }

    [Fact]
    public async Task Equal_priorities_are_asked_in_registration_order()
    {
        var content = TestContent.Bytes(1000, 6);
        var asset = TestFiles.Asset(content);
        var first = Engine.Dir.Sub("first");
        var second = Engine.Dir.Sub("second");
        File.WriteAllBytes(Path.Combine(first, asset.FileName), content);
        File.WriteAllBytes(Path.Combine(second, asset.FileName), content);
        Engine.Manager.AddSource(new DirectoryAssetSource(second, name: "late-low"), 3)
            .AddSource(new DirectoryAssetSource(first, name: "first"), 1)
            .AddSource(new DirectoryAssetSource(second, name: "second"), 1);

        Assert.Equal(["first", "second", "late-low"], Engine.Manager.Sources.Select(s => s.Name));
        Assert.Equal("first", (await Engine.Manager.GetAsync(asset)).SourceName);
    }

    [Fact]
    public async Task Directory_layouts_find_files_by_name_by_id_and_tag_and_by_digest()
    {
        var root = Engine.Dir.Sub("layouts");
        var byName = TestContent.Bytes(100, 7);
        var byIdTag = TestContent.Bytes(100, 8);
        var byDigest = TestContent.Bytes(100, 9);
        var assetByName = TestFiles.Asset(byName, "a", "a.bin");
        var assetByIdTag = TestFiles.Asset(byIdTag, "b", "b.bin", tag: "fp16");
        var assetByDigest = TestFiles.Asset(byDigest, "c", "c.bin");
        File.WriteAllBytes(Path.Combine(root, "a.bin"), byName);
        Directory.CreateDirectory(Path.Combine(root, "b", "fp16"));
        File.WriteAllBytes(Path.Combine(root, "b", "fp16", "b.bin"), byIdTag);
        Directory.CreateDirectory(Path.Combine(root, "sha256"));
        File.WriteAllBytes(Path.Combine(root, "sha256", assetByDigest.Sha256), byDigest);
        var all = new DirectoryAssetSource(root);
        var onlyDigest = new DirectoryAssetSource(root, DirectoryLayout.Sha256);

        Assert.NotNull(all.Locate(assetByName));
        Assert.NotNull(all.Locate(assetByIdTag));
        Assert.NotNull(all.Locate(assetByDigest));
        Assert.Null(onlyDigest.Locate(assetByName));
        Assert.False((await onlyDigest.ProbeAsync(assetByIdTag, default)).IsAvailable);
        Engine.Manager.AddSource(all);
        Assert.Equal(byIdTag, File.ReadAllBytes((await Engine.Manager.GetAsync(assetByIdTag)).CachePath));
    }

    [Fact]
    public async Task Concurrent_requests_in_one_process_share_one_download()
    {
        var (content, asset, served) = ServeOverHttp(4 << 20, 10);
        served.ChunkDelay = TimeSpan.FromMilliseconds(20);
        var reports = 0;
        var progress = new SynchronousProgress(p => { if (p.BytesDone == p.TotalBytes) { Interlocked.Increment(ref reports); } });

        var results = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => Engine.Manager.GetAsync(asset, progress)));
        await Server.WaitIdleAsync();

        Assert.Single(results.Select(r => r.CachePath).Distinct());
        Assert.Equal(1, Server.RequestCount);
        Assert.Equal(content.Length, Server.BytesSent);
        Assert.True(reports >= 1);
    }
}

/// <summary>An IProgress that reports on the caller's thread (Progress&lt;T&gt; posts asynchronously).</summary>
public sealed class SynchronousProgress(Action<AssetProgress> report) : IProgress<AssetProgress>
{
    public void Report(AssetProgress value) => report(value);
}
