using ModelManifest.Assets.Tests.Infrastructure;

namespace ModelManifest.Assets.Tests;

public sealed class OfflineAndBundleTests : LoopbackTestBase
{
    public OfflineAndBundleTests()
        : base(offline: true)
    {
    }

    [Fact]
    public async Task Offline_mode_opens_no_connection_and_names_the_missing_asset()
    {
        var content = TestContent.Bytes(1000, 70);
        var asset = TestFiles.Asset(content, "forecast", "forecast.ckpt");
        Server.Add(asset.FileName, content);
        Engine.Manager.AddSource(Engine.Http(Server.BaseUrl)).AddSource(new DirectoryAssetSource(Engine.Dir.Sub("mirror"), name: "mirror"), 5);

        var error = await Assert.ThrowsAsync<AssetException>(() => Engine.Manager.GetAsync(asset));

        Assert.Equal(AssetDiagnosticIds.OfflineNotAvailable, error.Code);
        Assert.Equal(asset.Key, error.Asset);
        Assert.Contains("forecast", error.Message);
        Assert.Equal([AssetDiagnosticIds.OfflineNotAvailable, AssetDiagnosticIds.NotInSource], error.Attempts.Select(a => a.Code));
        Assert.Equal(0, Server.ConnectionCount);
        Assert.Equal(0, Server.RequestCount);
    }

    [Fact]
    public async Task Offline_mode_still_serves_local_sources_and_the_cache()
    {
        var content = TestContent.Bytes(1000, 71);
        var asset = TestFiles.Asset(content);
        var mirror = Engine.Dir.Sub("mirror");
        File.WriteAllBytes(Path.Combine(mirror, asset.FileName), content);
        Engine.Manager.AddSource(Engine.Http(Server.BaseUrl), 0).AddSource(new DirectoryAssetSource(mirror, name: "mirror"), 1);

        var first = await Engine.Manager.GetAsync(asset);
        File.Delete(Path.Combine(mirror, asset.FileName));
        var second = await Engine.Manager.GetAsync(asset);

        Assert.Equal("mirror", first.SourceName);
        Assert.True(second.FromCache);
        Assert.Equal(0, Server.ConnectionCount);
    }

    [Fact]
    public async Task The_bundle_index_written_by_the_build_is_read_by_the_bundled_source_offline()
    {
        var content = TestContent.Bytes(5000, 72);
        var asset = TestFiles.Asset(content, "tokenizer", "tokenizer.json", tag: "v2");
        var app = Engine.Dir.Sub("app");
        Directory.CreateDirectory(Path.Combine(app, "models"));
        File.WriteAllBytes(Path.Combine(app, "models", "tokenizer.json"), content);
        new BundleIndex { Assets = [new BundleIndexEntry { Id = asset.Id, Tag = asset.Tag, Sha256 = asset.Sha256, Size = asset.Size, Path = "models/tokenizer.json" }] }
            .Save(Path.Combine(app, BundleIndex.FileName));
        var bundled = new BundledAssetSource(app);
        Engine.Manager.AddSource(bundled);

        var result = await Engine.Manager.GetAsync(asset);

        Assert.Equal(Path.Combine(app, "models", "tokenizer.json"), bundled.TryGetPath(asset));
        Assert.Equal(bundled.Name, result.SourceName);
        Assert.Equal(content, File.ReadAllBytes(result.CachePath));
        var json = File.ReadAllText(Path.Combine(app, BundleIndex.FileName));
        Assert.Contains("\"formatVersion\": 1", json);
        Assert.Contains("\"path\": \"models/tokenizer.json\"", json);
        Assert.Null(bundled.TryGetPath(TestFiles.Asset(TestContent.Bytes(10, 73))));
    }
}
