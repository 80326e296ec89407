using Microsoft.Extensions.DependencyInjection;
using ModelManifest.Assets.Tests.Infrastructure;
using ModelManifest.Extensions.DependencyInjection;

namespace ModelManifest.Assets.Tests;

public sealed class ModelProviderTests : LoopbackTestBase
{
    [Fact]
    public async Task Manifests_merge_by_precedence_and_a_refresh_leaves_earlier_snapshots_unchanged()
    {
        var file = Path.Combine(Engine.Dir.Path, "team.models.json");
        File.WriteAllText(file, Manifest("Team build", "weights", TestContent.Bytes(10, 1)));
        var catalog = ManifestReader.Read(Manifest("Generated catalog", "weights", TestContent.Bytes(10, 1))).Document!;
        var provider = new ModelProvider(Engine.Manager, [new FileManifestSource(file, precedence: 10), new DocumentManifestSource(catalog, "catalog", precedence: 0)]);

        var first = await provider.RefreshAsync();
        File.WriteAllText(file, Manifest("Team build, updated", "weights", TestContent.Bytes(10, 1)));
        var second = await provider.RefreshAsync();

        Assert.Empty(provider.Problems);
        Assert.Equal("Team build", first.GetLatest("classifier")!.DisplayName);
        Assert.Equal("Team build, updated", second.GetLatest("classifier")!.DisplayName);
        Assert.Same(second, provider.Current);
        Assert.Equal("Team build", first.GetLatest("classifier")!.DisplayName);
    }

    [Fact]
    public async Task An_http_manifest_is_revalidated_with_its_ETag_and_falls_back_to_the_cached_copy_when_the_server_is_down()
    {
        var served = new ServedFile(System.Text.Encoding.UTF8.GetBytes(Manifest("Remote", "weights", TestContent.Bytes(10, 2)))) { ETag = "\"v1\"" };
        var url = Server.Add("catalog.models.json", served);
        using var remote = new HttpManifestSource(url, Path.Combine(Engine.Dir.Path, "manifests", "remote.json"));
        var provider = new ModelProvider(Engine.Manager, [remote]);

        await provider.RefreshAsync();
        await provider.RefreshAsync();
        served.Status = 503;
        var fallback = await provider.RefreshAsync();

        var requests = Server.Requests.ToArray();
        Assert.Equal(["", "\"v1\"", "\"v1\""], requests.Select(r => r.IfNoneMatch));
        Assert.Equal("Remote", fallback.GetLatest("classifier")!.DisplayName);
        Assert.True(remote.LastLoadUsedFallback);
        Assert.Empty(provider.Problems);
    }

    [Fact]
    public async Task Offline_the_http_manifest_comes_from_its_cached_copy_without_a_connection()
    {
        var offline = new EngineFixture(offline: true);
        try
        {
            var cacheFile = Path.Combine(offline.Dir.Path, "remote.json");
            File.WriteAllText(cacheFile, Manifest("Cached", "weights", TestContent.Bytes(10, 3)));
            using var remote = new HttpManifestSource(new Uri(Server.BaseUrl, "m.json"), cacheFile);
            var provider = new ModelProvider(offline.Manager, [remote]);

            var snapshot = await provider.RefreshAsync();

            Assert.Equal("Cached", snapshot.GetLatest("classifier")!.DisplayName);
            Assert.Equal(0, Server.ConnectionCount);
        }
        finally
        {
            offline.Dispose();
        }
    }

    [Fact]
    public async Task EnsureModelAsync_downloads_every_asset_of_a_model_from_the_current_snapshot()
    {
        var content = TestContent.Bytes(300_000, 4);
        Server.Add("weights.bin", content);
        Engine.Manager.AddSource(Engine.Http(Server.BaseUrl));
        var catalog = ManifestReader.Read(Manifest("Catalog", "weights", content)).Document!;
        var provider = new ModelProvider(Engine.Manager, [new DocumentManifestSource(catalog, "catalog")]);
        await provider.RefreshAsync();
        var model = provider.Current.GetLatest("classifier")!;

        var paths = await provider.EnsureModelAsync(model);

        Assert.Equal(content, File.ReadAllBytes(Assert.Single(paths).Value));
        Assert.Equal(AssetState.Available, provider.Assets.GetStatus(provider.Current.GetAssets(model)[0]).State);
        Assert.NotNull(provider.CheckCompatibility(model));
    }

    [Fact]
    public async Task AddModelManifest_wires_cache_manager_bundle_and_provider_as_singletons()
    {
        var content = TestContent.Bytes(2000, 5);
        var mirror = Engine.Dir.Sub("mirror");
        File.WriteAllBytes(Path.Combine(mirror, "weights.bin"), content);
        var catalog = ManifestReader.Read(Manifest("Catalog", "weights", content)).Document!;
        var cacheRoot = Engine.Dir.Sub("di-cache");
        var app = Engine.Dir.Sub("app");
        using var container = new ServiceCollection()
            .AddModelManifest(o =>
            {
                o.CacheRoot = cacheRoot;
                o.BundleDirectory = app;
                o.AddSource(new DirectoryAssetSource(mirror, name: "mirror"), 10).AddManifest(new DocumentManifestSource(catalog, "catalog"));
            })
            .BuildServiceProvider();

        var provider = container.GetRequiredService<ModelProvider>();
        await provider.RefreshAsync();
        var paths = await provider.EnsureModelAsync(provider.Current.GetLatest("classifier")!);

        var manager = container.GetRequiredService<AssetManager>();
        Assert.Same(provider.Assets, container.GetRequiredService<AssetProvider>());
        Assert.StartsWith("bundle:", manager.Sources[0].Name);
        Assert.Equal("mirror", manager.Sources[1].Name);
        Assert.StartsWith(cacheRoot, Assert.Single(paths).Value);
    }

    private static string Manifest(string displayName, string assetId, byte[] content) => $$"""
        {
          "schemaVersion": "1.1",
          "models": [ { "id": "classifier", "version": "1.0.0", "displayName": "{{displayName}}", "assets": [ { "id": "{{assetId}}" } ] } ],
          "assets": [ { "id": "{{assetId}}", "fileName": "weights.bin", "size": {{content.Length}}, "sha256": "{{TestContent.Sha256(content)}}" } ]
        }
        """;
}
