namespace ModelManifest.Assets.Tests.Registry;

/// <summary>The registry's catalog (<c>GET /v1/manifest</c>) read by the runtime's <see cref="HttpManifestSource"/>, unchanged.</summary>
public sealed class RegistryManifestSourceTests : RegistryTestBase
{
    [Fact]
    public async Task The_registry_catalog_is_a_runtime_manifest_source_revalidated_with_its_ETag_and_its_assets_fetch_from_the_registry()
    {
        var content = TestContent.Bytes(2048, 921);
        Registry.AddBlob(content);
        Registry.Publish(FakeRegistry.OneModelManifest("classifier", "1.0.0", ("weights", content)));
        using var catalog = new HttpManifestSource(new Uri(Registry.BaseUrl, "v1/manifest"), Path.Combine(Engine.Dir.Path, "manifests", "registry.json"));
        using var source = (IDisposable)AssetSourceFactory.Create(Location);
        Engine.Manager.AddSource((IAssetSource)source);
        var provider = new ModelProvider(Engine.Manager, [catalog]);

        var snapshot = await provider.RefreshAsync();
        await provider.RefreshAsync();
        var model = snapshot.GetLatest("classifier")!;
        var fetched = await Engine.Manager.GetAsync(snapshot.GetAssets(model).Single());

        Assert.Equal("1.0.0", model.Version);
        Assert.Equal(content, File.ReadAllBytes(fetched.CachePath));
        var manifestRequests = Registry.Requests.Where(r => r.Path == "/v1/manifest").ToList();
        Assert.Equal(2, manifestRequests.Count);
        Assert.Empty(provider.Problems);
    }
}
