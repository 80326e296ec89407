using ModelManifest.Assets.Tests.Infrastructure;

namespace ModelManifest.Assets.Tests;

public sealed class AssetProviderTests : LoopbackTestBase
{
    [Fact]
    public async Task A_bundled_asset_is_returned_in_place_without_the_network()
    {
        var (content, asset, _) = ServeOverHttp(1000, 100);
        var app = Engine.Dir.Sub("app");
        File.WriteAllBytes(Path.Combine(app, asset.FileName), content);
        new BundleIndex { Assets = [new BundleIndexEntry { Id = asset.Id, Sha256 = asset.Sha256, Size = asset.Size, Path = asset.FileName }] }.Save(Path.Combine(app, BundleIndex.FileName));
        var provider = new AssetProvider(Engine.Manager, new BundledAssetSource(app));

        var path = await provider.GetAssetPathAsync(asset);

        Assert.Equal(Path.Combine(app, asset.FileName), path);
        Assert.Equal(AssetState.Available, provider.GetStatus(asset).State);
        Assert.Equal(0, Server.ConnectionCount);
    }

    [Fact]
    public async Task Callers_share_one_background_download_that_outlives_a_cancelled_caller_and_status_never_starts_one()
    {
        var (content, asset, served) = ServeOverHttp(6 << 20, 101);
        served.ChunkDelay = TimeSpan.FromMilliseconds(30);
        var provider = new AssetProvider(Engine.Manager);
        Assert.Equal(AssetState.Missing, provider.GetStatus(asset).State);
        Assert.Equal(AssetState.Missing, provider.GetStatus(asset).State);
        Assert.Equal(0, Server.RequestCount);

        using var impatient = new CancellationTokenSource();
        var seen = new SynchronousProgress(p => { if (p.BytesDone >= 1 << 20) { impatient.Cancel(); } });
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => provider.GetAssetPathAsync(asset, seen, impatient.Token));
        var status = provider.GetStatus(asset);
        var patient = provider.GetAssetPathAsync(asset);
        var path = await patient;

        Assert.True(status.State is AssetState.Downloading or AssetState.Available, status.ToString());
        Assert.InRange(status.Fraction, 0, 1);
        Assert.Equal(content, File.ReadAllBytes(path));
        Assert.Equal(AssetState.Available, provider.GetStatus(asset).State);
        await Server.WaitIdleAsync();
        Assert.Equal(1, Server.RequestCount);
    }

    [Fact]
    public async Task A_failed_download_is_reported_and_the_next_request_tries_again()
    {
        var (content, asset, served) = ServeOverHttp(1000, 102, o => o.MaxRetries = 0);
        served.Status = 404;
        var provider = new AssetProvider(Engine.Manager);

        await Assert.ThrowsAsync<AssetException>(() => provider.GetAssetPathAsync(asset));
        var failed = provider.GetStatus(asset);
        served.Status = 0;
        var path = await provider.GetAssetPathAsync(asset);

        Assert.Equal(AssetState.Failed, failed.State);
        Assert.Equal(AssetDiagnosticIds.NotFoundInAnySource, failed.Error!.Code);
        Assert.Equal(content, File.ReadAllBytes(path));
    }

    [Fact]
    public async Task EnsureModelAsync_completes_when_every_referenced_asset_is_local_and_names_unknown_references()
    {
        var (content, asset, _) = ServeOverHttp(2000, 103);
        var tokenizer = TestFiles.Asset(TestContent.Bytes(500, 104), "tokenizer", "tokenizer.json");
        var mirror = Engine.Dir.Sub("mirror");
        File.WriteAllBytes(Path.Combine(mirror, tokenizer.FileName), TestContent.Bytes(500, 104));
        Engine.Manager.AddSource(new DirectoryAssetSource(mirror), -1);
        var provider = new AssetProvider(Engine.Manager);
        var model = new ModelInfo { Id = "m", Version = "1.0.0", Assets = [new AssetReference { Id = asset.Id }, new AssetReference { Id = "tokenizer" }] };

        var paths = await provider.EnsureModelAsync(model, [asset, tokenizer]);
        var unknown = await Assert.ThrowsAsync<AssetException>(() => provider.EnsureModelAsync(model with { Assets = [new AssetReference { Id = "nope", Tag = "x" }] }, [asset]));

        Assert.Equal(content, File.ReadAllBytes(paths[asset.Key]));
        Assert.True(File.Exists(paths[tokenizer.Key]));
        Assert.Contains("nope@x", unknown.Message);
    }
}
