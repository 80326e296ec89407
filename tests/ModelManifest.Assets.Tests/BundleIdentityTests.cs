using ModelManifest.Assets.Tests.Infrastructure;

namespace ModelManifest.Assets.Tests;

/// <summary>A bundled file whose bytes changed (mtime restored) is never handed to the app; the runtime gets verified bytes elsewhere.</summary>
public sealed class BundleIdentityTests : LoopbackTestBase
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_corrupted_bundled_file_is_not_returned_and_the_asset_comes_from_a_source(bool identityRecorded)
    {
        var (content, asset, _) = ServeOverHttp(100_000, 95);
        var app = Engine.Dir.Sub("app");
        var file = Path.Combine(Directory.CreateDirectory(Path.Combine(app, "models")).FullName, asset.FileName);
        File.WriteAllBytes(file, content);
        new BundleIndex
        {
            Assets = [new BundleIndexEntry { Id = asset.Id, Sha256 = asset.Sha256, Size = asset.Size, Path = "models/" + asset.FileName, Identity = identityRecorded ? FileIdentity.Of(file)!.Value.ToString() : null }],
        }.Save(Path.Combine(app, BundleIndex.FileName));
        var bundle = new BundledAssetSource(app);
        var provider = new AssetProvider(Engine.Manager, bundle);
        Assert.Equal(file, await provider.GetAssetPathAsync(asset));
        Assert.Equal(0, Server.RequestCount);

        CacheTests.FlipByteKeepingTimestamp(file, 777);

        Assert.Null(new BundledAssetSource(app).TryGetPath(asset));
        Assert.Null(bundle.TryGetPath(asset));
        var path = await provider.GetAssetPathAsync(asset);
        Assert.NotEqual(file, path);
        Assert.Equal(content, File.ReadAllBytes(path));
    }
}
