using System.Collections.Immutable;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ModelManifest.Assets.Tests.Infrastructure;
using ModelManifest.Extensions.DependencyInjection;

namespace ModelManifest.Assets.Tests;

/// <summary>
/// <c>services.AddModelManifest(...)</c> in a real container: the build's catalog, configuration binding, the
/// <c>ModelManifest</c> HTTP client from IHttpClientFactory, ILogger, and TryAdd registrations.
/// </summary>
public sealed class DependencyInjectionTests : LoopbackTestBase
{
    [Fact]
    public async Task AddCatalog_gives_a_provider_with_the_catalog_models_and_assets_from_a_folder_source()
    {
        byte[] content = TestContent.Bytes(3000, 81);
        AssetInfo asset = TestFiles.Asset(content, id: "encoder", fileName: "encoder.onnx");
        string mirror = Engine.Dir.Sub("mirror");
        File.WriteAllBytes(Path.Combine(mirror, "encoder.onnx"), content);
        var model = new ModelInfo { Id = "embedder", Version = "2.0.0", Assets = [new AssetReference { Id = "encoder" }] };
        var snapshot = new ManifestSnapshot([model], [asset]); // what the generated Models.Snapshot holds

        using var container = new ServiceCollection()
            .AddModelManifest(o =>
            {
                o.CacheRoot = Engine.Dir.Sub("di-cache");
                o.BundleDirectory = null;
                o.AddCatalog(snapshot).AddSource(new DirectoryAssetSource(mirror, DirectoryLayout.FileName, "mirror"));
            })
            .BuildServiceProvider();

        var provider = container.GetRequiredService<ModelProvider>();
        ModelInfo loaded = Assert.Single(provider.Current.Models); // no RefreshAsync needed for an in-memory catalog
        Assert.Equal(("embedder", "2.0.0"), (loaded.Id, loaded.Version));
        var paths = await provider.EnsureModelAsync(loaded);
        string path = Assert.Single(paths).Value;
        Assert.Equal(content, File.ReadAllBytes(path));
        Assert.Empty(provider.Problems);
    }

    [Fact]
    public async Task The_sources_the_build_recorded_beside_the_app_serve_the_runtime_without_declaring_them_again()
    {
        byte[] content = TestContent.Bytes(3000, 82);
        AssetInfo asset = TestFiles.Asset(content, id: "decoder", fileName: "decoder.onnx");
        Server.Add("team/" + asset.FileName, content);
        string app = Engine.Dir.Sub("app");
        File.WriteAllText(Path.Combine(app, "modelmanifest.sources.json"), $$"""
            { "formatVersion": 1, "sources": [
              { "location": "{{Engine.Dir.Sub("no-such-mirror")}}", "priority": 10 },
              { "location": "{{Server.BaseUrl}}team/", "priority": 20, "settings": { "PathTemplate": "{fileName}" } } ] }
            """);
        var model = new ModelInfo { Id = "speller", Version = "1.0.0", Assets = [new AssetReference { Id = "decoder" }] };

        using var container = new ServiceCollection()
            .AddModelManifest(o =>
            {
                o.CacheRoot = Engine.Dir.Sub("di-cache");
                o.BundleDirectory = app;
                o.AddCatalog(new ManifestSnapshot([model], [asset]));
            })
            .BuildServiceProvider();

        var provider = container.GetRequiredService<ModelProvider>();
        var paths = await provider.EnsureModelAsync(Assert.Single(provider.Current.Models));
        Assert.Equal(content, File.ReadAllBytes(Assert.Single(paths).Value));
        Assert.Contains(Server.Requests, r => r.Path.EndsWith("/team/" + asset.FileName, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Without_any_source_the_error_says_where_sources_are_declared()
    {
        AssetInfo asset = TestFiles.Asset(TestContent.Bytes(100, 83));
        string app = Engine.Dir.Sub("app-off");
        File.WriteAllText(Path.Combine(app, "modelmanifest.sources.json"), """{ "formatVersion": 1, "sources": [ { "location": "http://127.0.0.1:9/", "priority": 1 } ] }""");
        using var container = new ServiceCollection()
            .AddModelManifest(o =>
            {
                o.CacheRoot = Engine.Dir.Sub("di-cache-off");
                o.BundleDirectory = app;
                o.UseBuildSources = false;
            })
            .BuildServiceProvider();

        var manager = container.GetRequiredService<AssetManager>();
        Assert.DoesNotContain(manager.Sources, s => s.Name.Contains("127.0.0.1:9", StringComparison.Ordinal));
        var error = await Assert.ThrowsAsync<AssetException>(() => manager.GetAsync(asset));
        Assert.Equal(AssetDiagnosticIds.NoSources, error.Code);
        Assert.Contains("<ModelAssetSource Include=", error.Message, StringComparison.Ordinal);
        Assert.Contains("a library it references", error.Message, StringComparison.Ordinal);
        Assert.Contains("--source", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Settings_and_http_sources_bind_from_a_configuration_section()
    {
        string cacheRoot = Engine.Dir.Sub("configured-cache");
        IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ModelManifest:CacheRoot"] = cacheRoot,
            ["ModelManifest:Offline"] = "true",
            ["ModelManifest:BundleDirectory"] = "",
            ["ModelManifest:HttpSources:0:BaseUrl"] = Server.BaseUrl.ToString(),
            ["ModelManifest:HttpSources:0:Name"] = "team-mirror",
            ["ModelManifest:HttpSources:0:PathTemplate"] = "{sha256}",
            ["ModelManifest:HttpSources:0:Priority"] = "5",
        }).Build();

        using var container = new ServiceCollection().AddModelManifest(configuration.GetSection("ModelManifest")).BuildServiceProvider();

        var manager = container.GetRequiredService<AssetManager>();
        Assert.True(manager.IsOffline);
        Assert.Equal(Path.GetFullPath(cacheRoot), Path.GetFullPath(manager.Cache.Root));
        Assert.Equal("team-mirror", Assert.Single(manager.Sources).Name); // no bundle: BundleDirectory is empty
    }

    [Fact]
    public void A_bad_configuration_value_is_a_clean_MM1030_naming_the_key()
    {
        IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ModelManifest:HttpSources:0:BaseUrl"] = "http://127.0.0.1:1/",
            ["ModelManifest:HttpSources:0:Priority"] = "high",
        }).Build();
        using var container = new ServiceCollection().AddModelManifest(configuration.GetSection("ModelManifest")).BuildServiceProvider();

        var error = Assert.Throws<AssetException>(() => container.GetRequiredService<AssetManager>());

        Assert.Equal(AssetDiagnosticIds.InvalidConfiguration, error.Code);
        Assert.Contains("ModelManifest:HttpSources:0:Priority", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Http_sources_use_the_ModelManifest_client_of_IHttpClientFactory_and_log_through_ILogger()
    {
        byte[] content = TestContent.Bytes(5000, 82);
        AssetInfo asset = TestFiles.Asset(content);
        Server.Add(asset.FileName, content);
        var counting = new CountingHandler();
        var lines = new List<string>();
        var services = new ServiceCollection()
            .AddLogging(logging => logging.AddProvider(new ListLoggerProvider(lines)))
            .AddModelManifest(o =>
            {
                o.CacheRoot = Engine.Dir.Sub("http-cache");
                o.BundleDirectory = null;
                o.HttpSources.Add(new ModelManifestHttpSource { BaseUrl = Server.BaseUrl, PathTemplate = "{fileName}", Name = "loopback" });
            });
        services.AddHttpClient(ModelManifestOptions.HttpClientName).AddHttpMessageHandler(() => counting);
        using var container = services.BuildServiceProvider();

        AssetResult result = await container.GetRequiredService<AssetManager>().GetAsync(asset);

        Assert.Equal("loopback", result.SourceName);
        Assert.Equal(content, File.ReadAllBytes(result.CachePath));
        Assert.True(counting.Requests > 0, "the request did not go through the factory's handler pipeline");
        lock (lines)
        {
            Assert.Contains(lines, l => l.Contains("served by loopback", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Registrations_are_TryAdd_so_a_second_call_or_an_own_registration_wins_once()
    {
        var own = new AssetCache(Engine.Dir.Sub("own-cache"));
        var services = new ServiceCollection().AddSingleton(own);

        services.AddModelManifest().AddModelManifest(o => o.Offline = true);

        Assert.Single(services, d => d.ServiceType == typeof(AssetCache));
        Assert.Single(services, d => d.ServiceType == typeof(AssetManager));
        Assert.Single(services, d => d.ServiceType == typeof(ModelProvider));
        using var container = services.BuildServiceProvider();
        Assert.Same(own, container.GetRequiredService<AssetManager>().Cache);
        Assert.True(container.GetRequiredService<AssetManager>().IsOffline); // both configure calls apply, in order
    }

    private sealed class CountingHandler : DelegatingHandler
    {
        private int _requests;

        public int Requests => Volatile.Read(ref _requests);

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _requests);
            return base.SendAsync(request, cancellationToken);
        }
    }

    private sealed class ListLoggerProvider(List<string> lines) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new ListLogger(lines);

        public void Dispose()
        {
        }
    }
}
