using System.Text.Json.Nodes;

namespace ModelManifest.Sources.HuggingFace.Tests;

/// <summary>The tool as users run it: <c>import hf://…</c>, <c>fetch --source hf://…</c>, and the local caches in <c>fetch</c>.</summary>
public sealed class CliTests : IAsyncLifetime, IDisposable
{
    private readonly TempDir _temp = new();
    private readonly byte[] _weights = TestContent.Bytes(200_000, 11);
    private readonly byte[] _onnx = TestContent.Bytes(50_000, 12);
    private readonly byte[] _config = System.Text.Encoding.UTF8.GetBytes("{\"model_type\":\"weather\"}\n");
    private HubServer _hub = null!;
    private string _commit = null!;

    public async Task InitializeAsync()
    {
        _hub = await HubServer.StartAsync();
        _commit = _hub.Commit("main", new()
        {
            [".gitattributes"] = new("*.safetensors filter=lfs diff=lfs merge=lfs -text\n"u8.ToArray(), Lfs: false),
            ["config.json"] = new(_config, Lfs: false),
            ["model.safetensors"] = new(_weights, Lfs: true),
            ["onnx/model.onnx"] = new(_onnx, Lfs: true),
        });
    }

    public async Task DisposeAsync() => await _hub.DisposeAsync();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Import_writes_entries_from_the_hubs_metadata_and_fetch_serves_them_from_the_hub()
    {
        string manifest = _temp.File("weather.models.json");

        var imported = Cli.Run(Environment(), "import", "hf://acme/weather", "--into", manifest);

        Assert.True(imported.ExitCode == 0, imported.StdErr + imported.StdOut);
        Assert.Contains($"from hf://acme/weather@{_commit}, 3 assets (2 sha256 from the hub, 1 downloaded and hashed)", imported.StdOut);
        var assets = JsonNode.Parse(File.ReadAllText(manifest))!["assets"]!.AsArray();
        Assert.Equal(["config.json", "model.safetensors", "onnx_model.onnx"], assets.Select(a => (string)a!["fileName"]!).Order());
        var byFile = assets.ToDictionary(a => (string)a!["fileName"]!, a => a!);
        Assert.Equal(TestContent.Sha256(_weights), (string)byFile["model.safetensors"]["sha256"]!);
        Assert.Equal(_onnx.Length, (long)byFile["onnx_model.onnx"]["size"]!);
        Assert.Equal("onnx", (string)byFile["onnx_model.onnx"]["format"]!);
        Assert.Equal(TestContent.Sha256(_config), (string)byFile["config.json"]["sha256"]!);
        Assert.EndsWith($"/acme/weather/resolve/{_commit}/onnx/model.onnx", (string)byFile["onnx_model.onnx"]["urls"]![0]!);
        Assert.DoesNotContain(_hub.Requests, r => r.Method == "GET" && r.Path.EndsWith(".safetensors", StringComparison.Ordinal));
        Assert.DoesNotContain(_hub.Requests, r => r.Method == "GET" && r.Path.EndsWith(".onnx", StringComparison.Ordinal));
        Assert.Empty(_hub.OnCdn);
        Assert.Equal(0, Cli.Run(Environment(), "validate", manifest).ExitCode);

        var fetched = Cli.Run(Environment(), "fetch", "--manifest", manifest, "--source", "hf://acme/weather", "--cache", _temp.File("cache"));

        Assert.True(fetched.ExitCode == 0, fetched.StdErr + fetched.StdOut);
        Assert.Contains("fetched onnx.model.onnx from hf://acme/weather@main", fetched.StdErr);
        Assert.Contains("fetched model.safetensors from hf://acme/weather@main", fetched.StdErr);
        Assert.Contains(_hub.OnCdn, r => r.Path.EndsWith(TestContent.Sha256(_onnx), StringComparison.Ordinal));
    }

    [Fact]
    public void A_gated_repository_is_a_clean_error_and_nothing_is_written()
    {
        _hub.GatedFor = "hf_granted_token_999";
        string manifest = _temp.File("gated.models.json");
        var env = Environment();
        env["HF_TOKEN"] = "hf_not_granted_token_777";

        var result = Cli.Run(env, "import", "hf://acme/weather", "--into", manifest);

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("error MM1014: hf://acme/weather@main is gated", result.StdErr);
        Assert.Contains("accept its terms", result.StdErr);
        Assert.DoesNotContain("hf_not_granted_token_777", result.StdErr + result.StdOut);
        Assert.DoesNotContain("   at ", result.StdErr);
        Assert.False(File.Exists(manifest));
    }

    [Fact]
    public void HF_HUB_OFFLINE_makes_fetch_and_import_open_no_connection()
    {
        string manifest = WriteManifest(_weights, "model.safetensors");
        var env = Environment();
        env["HF_HUB_OFFLINE"] = "1";

        var fetched = Cli.Run(env, "fetch", "--manifest", manifest, "--source", "hf://acme/weather", "--cache", _temp.File("cache"));
        var imported = Cli.Run(env, "import", "hf://acme/weather", "--into", _temp.File("other.models.json"));

        Assert.Equal(1, fetched.ExitCode);
        Assert.Contains("MM1002", fetched.StdErr);
        Assert.Equal(1, imported.ExitCode);
        Assert.StartsWith("error MM1002:", imported.StdErr);
        Assert.Empty(_hub.Requests);
    }

    [Fact]
    public void Fetch_takes_an_asset_from_the_Hugging_Face_cache_first_and_says_so_unless_switched_off()
    {
        string hubCache = _temp.Sub("hf-hub");
        LocalStores.HuggingFace(hubCache, "acme/weather", "model.safetensors", _weights);
        string manifest = WriteManifest(_weights, "model.safetensors");
        var env = Environment();
        env["HF_HUB_CACHE"] = hubCache;

        var fromCache = Cli.Run(env, "fetch", "--manifest", manifest, "--source", "hf://acme/weather", "--cache", _temp.File("cache1"));
        var switchedOff = Cli.Run(env, "fetch", "--manifest", manifest, "--source", "hf://acme/weather", "--cache", _temp.File("cache2"), "--no-local-caches");
        env["MODELMANIFEST_LOCAL_CACHES"] = "0";
        var offByEnvironment = Cli.Run(env, "fetch", "--manifest", manifest, "--offline", "--cache", _temp.File("cache3"));

        Assert.True(fromCache.ExitCode == 0, fromCache.StdErr);
        Assert.Contains("fetched weights from Hugging Face cache", fromCache.StdErr);
        Assert.Contains("fetched weights from hf://acme/weather@main", switchedOff.StdErr);
        Assert.Equal(1, offByEnvironment.ExitCode);
        Assert.DoesNotContain("Hugging Face cache", offByEnvironment.StdErr);
    }

    private Dictionary<string, string?> Environment() => new()
    {
        ["HF_ENDPOINT"] = _hub.Endpoint.AbsoluteUri,
        ["HF_TOKEN"] = null,
        ["HF_HOME"] = _temp.File("hf-home"),
        ["HF_HUB_CACHE"] = _temp.File("no-hf-cache"),
        ["OLLAMA_MODELS"] = _temp.File("no-ollama"),
        ["HF_HUB_OFFLINE"] = null,
        ["MODELMANIFEST_OFFLINE"] = null,
        ["MODELMANIFEST_LOCAL_CACHES"] = null,
    };

    private string WriteManifest(byte[] bytes, string fileName)
    {
        string path = _temp.File("one.models.json");
        File.WriteAllText(path, $$"""
            {"schemaVersion":"1.1",
             "models":[{"id":"weather","version":"1.0.0","assets":[{"id":"weights"}]}],
             "assets":[{"id":"weights","fileName":"{{fileName}}","size":{{bytes.Length}},"sha256":"{{TestContent.Sha256(bytes)}}"}]}
            """);
        return path;
    }
}
