
namespace ModelManifest.Build.Tests;

/// <summary>
/// What a user sees: fresh projects referencing the packed package, built, run, published and cleaned with the real
/// dotnet CLI against a folder source and a real HTTP server on loopback.
/// </summary>
[Collection(PackedPackagesCollection.Name)]
[Trait("Category", "EndToEnd")]
public sealed class BuildEndToEndTests : IAsyncLifetime
{
    private readonly PackedPackages _packages;
    private readonly string _root;
    private readonly string _cache;
    private readonly string _mirror;
    private readonly SampleAsset _weights = new("weights", "weights.bin", 2 * 1024 * 1024, seed: 1);
    private readonly SampleAsset _tokenizer = new("tokenizer", "tokenizer.json", 100 * 1024, seed: 2, tag: "v1");
    private LoopbackServer _server = null!;

    public BuildEndToEndTests(PackedPackages packages)
    {
        _packages = packages;
        _root = Directory.CreateDirectory(Path.Combine(packages.Root, Guid.NewGuid().ToString("N")[..8])).FullName;
        _cache = Path.Combine(_root, "cache");
        _mirror = Path.Combine(_root, "mirror");
        _weights.WriteTo(_mirror); // the mirror has the weights but not the tokenizer
    }

    public async Task InitializeAsync()
    {
        _server = await LoopbackServer.StartAsync();
        _server.Add(_weights.HttpPath, _weights.Bytes);
        _server.Add(_tokenizer.HttpPath, _tokenizer.Bytes);
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private string Sources(bool mirror = true, bool http = true) =>
        (mirror ? $"""<ModelAssetSource Include="{_mirror}" Priority="10" />""" : "")
        + (http ? $"""<ModelAssetSource Include="{_server.BaseUrl}" Priority="100" />""" : "");

    private ConsumerProject App(string name = "app", bool mirror = true, bool http = true, string extraProperties = "") =>
        new ConsumerProject(_packages, _root, name, _cache, extraItems: Sources(mirror, http), extraProperties: extraProperties)
            .WithAssetPrintingProgram(catalog: true)
            .WithManifest("demo.models.json", SampleAsset.Manifest(_weights, _tokenizer));

    private static void AssertSucceeded(DotNet.Result result) => Assert.True(result.ExitCode == 0, result.Output);

    [Fact]
    public void Build_prefers_the_mirror_falls_back_to_http_and_the_app_reads_verified_assets()
    {
        var app = App();
        var build = app.Build();
        AssertSucceeded(build);
        Assert.Contains($"Model asset weights (weights.bin, 2.00 MB): from directory:{_mirror}", build.Output, StringComparison.Ordinal);
        Assert.Matches(@"Model asset tokenizer@v1 \(tokenizer\.json, 0\.10 MB\): from http[^\r\n]*127\.0\.0\.1", build.Output);
        Assert.Equal(0, _server.BytesSentFor(_weights.HttpPath)); // the mirror served it
        Assert.Equal(_tokenizer.Bytes.Length, _server.BytesSentFor(_tokenizer.HttpPath));

        var run = ConsumerProject.RunApp(Path.Combine(app.OutputDirectory, "app.dll"));
        AssertSucceeded(run);
        Assert.Contains("model tokenizer-model 1.0.0 schema 1.1", run.Output, StringComparison.Ordinal);
        Assert.Contains("model weights-model 1.0.0 schema 1.1", run.Output, StringComparison.Ordinal);
        Assert.Contains($"asset weights models/weights.bin {_weights.Sha256}", run.Output, StringComparison.Ordinal);
        Assert.Contains($"asset tokenizer models/tokenizer.json {_tokenizer.Sha256}", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Second_build_downloads_and_hashes_nothing_and_clean_keeps_the_cache()
    {
        var app = App(mirror: false);
        AssertSucceeded(app.Build());
        await _server.WaitIdleAsync();
        int requests = _server.RequestCount;
        Assert.True(requests >= 2);

        var again = app.Run("build", "-v:d");
        AssertSucceeded(again);
        await _server.WaitIdleAsync();
        Assert.Equal(requests, _server.RequestCount);
        // Nothing changed: the resolve target is skipped by MSBuild itself (the task is not even loaded).
        Assert.Contains("Skipping target \"_ModelAssetResolveCore\" because all output files are up-to-date", again.Output, StringComparison.Ordinal);

        // A deleted bundled file is put back on the next build, from the cache, without the network.
        File.Delete(Path.Combine(app.OutputDirectory, "models", "weights.bin"));
        var repair = app.Build();
        AssertSucceeded(repair);
        Assert.Contains("Model asset weights (weights.bin, 2.00 MB): from the cache", repair.Output, StringComparison.Ordinal);
        await _server.WaitIdleAsync();
        Assert.Equal(requests, _server.RequestCount);
        Assert.DoesNotContain("): from ", again.Output, StringComparison.Ordinal);

        string blob = Directory.EnumerateFiles(_cache, "*", SearchOption.AllDirectories).Single(f => Path.GetFileName(f) == _weights.Sha256);
        AssertSucceeded(app.Run("clean"));
        Assert.False(File.Exists(Path.Combine(app.OutputDirectory, "models", "weights.bin")));
        Assert.False(File.Exists(Path.Combine(app.OutputDirectory, "modelmanifest.bundle.json")));
        Assert.True(File.Exists(blob));
        Assert.Equal(_weights.Bytes, File.ReadAllBytes(blob));
    }

    [Fact]
    public async Task Design_time_build_downloads_nothing()
    {
        var app = App(mirror: false);
        AssertSucceeded(app.Run("restore"));
        // The targets an IDE's design-time build runs past our hook; with DesignTimeBuild=true nothing may be fetched.
        string[] targets = ["msbuild", "-t:ResolveReferences;AssignTargetPaths;GetCopyToOutputDirectoryItems", "-v:n"];
        AssertSucceeded(app.Run([.. targets, "-p:DesignTimeBuild=true"]));
        await _server.WaitIdleAsync();
        Assert.Equal(0, _server.RequestCount);
        Assert.False(File.Exists(Path.Combine(app.OutputDirectory, "models", "tokenizer.json")));

        // Controls, so the assertion above is not vacuous: in a normal build the same targets start the background
        // fetches (the build then ends, which cancels them), and with resolution before compilation they resolve.
        var normal = app.Run(targets);
        AssertSucceeded(normal);
        Assert.Contains("Model assets: fetching 2 in the background while the project compiles.", normal.Output, StringComparison.Ordinal);
        AssertSucceeded(app.Run([.. targets, "-p:ModelAssetResolveInBackground=false"]));
        await _server.WaitIdleAsync();
        Assert.True(_server.RequestCount > 0);
        Assert.True(File.Exists(Path.Combine(app.OutputDirectory, "models", "tokenizer.json")));
    }

    [Fact]
    public async Task Published_app_finds_its_assets_with_the_server_stopped()
    {
        var app = App();
        string publish = Path.Combine(_root, "publish");
        AssertSucceeded(app.Run("publish", "-o", publish));
        Assert.True(File.Exists(Path.Combine(publish, "modelmanifest.bundle.json")));
        Assert.Equal(_weights.Bytes, File.ReadAllBytes(Path.Combine(publish, "models", "weights.bin")));
        await _server.DisposeAsync();
        var run = ConsumerProject.RunApp(Path.Combine(publish, "app.dll"));
        AssertSucceeded(run);
        Assert.Contains($"asset tokenizer models/tokenizer.json {_tokenizer.Sha256}", run.Output, StringComparison.Ordinal);
        _server = await LoopbackServer.StartAsync(); // for DisposeAsync
    }

    [Fact]
    public void Library_carrying_the_manifest_bundles_into_the_referencing_app()
    {
        var library = new ConsumerProject(_packages, _root, "lib", _cache, outputType: "Library", extraItems: Sources())
            .WithManifest("demo.models.json", SampleAsset.Manifest(_weights, _tokenizer));
        File.WriteAllText(Path.Combine(library.Directory, "Library.cs"), "namespace Lib; public static class Marker { }");
        var app = new ConsumerProject(_packages, _root, "app", _cache, extraItems: Sources() + """<ProjectReference Include="../lib/lib.csproj" />""").WithAssetPrintingProgram();
        var build = app.Build();
        AssertSucceeded(build);
        var run = ConsumerProject.RunApp(Path.Combine(app.OutputDirectory, "app.dll"));
        AssertSucceeded(run);
        Assert.Contains($"asset weights models/weights.bin {_weights.Sha256}", run.Output, StringComparison.Ordinal);
        Assert.Contains($"asset tokenizer models/tokenizer.json {_tokenizer.Sha256}", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Sources_declared_in_a_library_flow_through_every_reference_to_the_app_and_are_recorded_for_its_runtime()
    {
        // lib declares the manifest and its sources (a folder relative to lib, and the HTTP server); mid and app declare
        // nothing but a reference. A cold cache must still resolve, from lib's folder, not a folder next to the app.
        var library = new ConsumerProject(_packages, _root, "lib", _cache, outputType: "Library",
                extraItems: $"""<ModelAssetSource Include="shared-models" Priority="10" /><ModelAssetSource Include="{_server.BaseUrl}" Priority="100" />""")
            .WithManifest("demo.models.json", SampleAsset.Manifest(_weights, _tokenizer));
        _weights.WriteTo(Path.Combine(library.Directory, "shared-models"));
        File.WriteAllText(Path.Combine(library.Directory, "Library.cs"), "namespace Lib; public static class Marker { }");
        var middle = new ConsumerProject(_packages, _root, "mid", _cache, outputType: "Library", extraItems: """<ProjectReference Include="../lib/lib.csproj" />""");
        File.WriteAllText(Path.Combine(middle.Directory, "Middle.cs"), "namespace Mid; public static class Marker { }");
        var app = new ConsumerProject(_packages, _root, "app", _cache, extraItems: """<ProjectReference Include="../mid/mid.csproj" />""").WithAssetPrintingProgram();

        var build = app.Build();

        AssertSucceeded(build);
        Assert.Contains($"from directory:{Path.Combine(library.Directory, "shared-models")}", build.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("warning MM1110", build.Output, StringComparison.Ordinal);
        string recorded = File.ReadAllText(Path.Combine(app.OutputDirectory, "modelmanifest.sources.json"));
        Assert.Contains(System.Text.Json.JsonEncodedText.Encode(Path.Combine(library.Directory, "shared-models")).ToString(), recorded, StringComparison.Ordinal);
        Assert.Contains(_server.BaseUrl.ToString(), recorded, StringComparison.Ordinal);
        var run = ConsumerProject.RunApp(Path.Combine(app.OutputDirectory, "app.dll"));
        AssertSucceeded(run);
        Assert.Contains($"asset tokenizer models/tokenizer.json {_tokenizer.Sha256}", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void A_cold_build_downloads_while_the_project_compiles_and_reports_after_it()
    {
        var app = App("overlap", mirror: false);
        var build = app.Build();
        AssertSucceeded(build);

        // Started before the compiler, reported after it: the message of the early target, then CoreCompile, then the lines.
        int started = build.Output.IndexOf("Model assets: fetching 2 in the background while the project compiles.", StringComparison.Ordinal);
        int compiled = build.Output.IndexOf("CoreCompile:", StringComparison.Ordinal);
        int placed = build.Output.IndexOf("Model asset weights (weights.bin, 2.00 MB): from http", StringComparison.Ordinal);
        Assert.True(started >= 0 && compiled > started && placed > compiled, build.Output);
        Assert.Matches(@"Model asset tokenizer@v1 \(tokenizer\.json, 0\.10 MB\): from http[^\r\n]*127\.0\.0\.1[^\r\n]*\(started before compilation\), ", build.Output);
        Assert.Equal(_weights.Bytes.Length, _server.BytesSentFor(_weights.HttpPath)); // fetched once, not again after compilation

        var run = ConsumerProject.RunApp(Path.Combine(app.OutputDirectory, "overlap.dll"));
        AssertSucceeded(run);
        Assert.Contains($"asset weights models/weights.bin {_weights.Sha256}", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void With_ModelAssetResolveInBackground_false_assets_are_in_place_before_the_compiler_runs()
    {
        var app = App("before", mirror: false, extraProperties: "<ModelAssetResolveInBackground>false</ModelAssetResolveInBackground>");
        var build = app.Build();
        AssertSucceeded(build);
        Assert.DoesNotContain("in the background", build.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("started before compilation", build.Output, StringComparison.Ordinal);
        int placed = build.Output.IndexOf("Model asset weights (weights.bin, 2.00 MB): from http", StringComparison.Ordinal);
        int compiled = build.Output.IndexOf("CoreCompile:", StringComparison.Ordinal);
        Assert.True(placed >= 0 && compiled > placed, build.Output);
    }

    [Fact]
    public void A_compile_error_ends_the_build_with_that_error_and_the_started_download_leaves_the_cache_consistent()
    {
        var app = App("broken", mirror: false);
        File.WriteAllText(Path.Combine(app.Directory, "Broken.cs"), "class Broken { int x = ; }\n");
        var build = app.Build();
        Assert.NotEqual(0, build.ExitCode);
        Assert.Contains("error CS1525", build.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("error MM", build.Output, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(app.OutputDirectory, "models")), "nothing is placed when compilation fails");

        // Whatever the cancelled download left is a blob that verifies, or a partial/temporary file, never a wrong blob.
        string blobs = Path.Combine(_cache, "blobs", "sha256");
        foreach (string blob in Directory.Exists(blobs) ? Directory.EnumerateFiles(blobs, "*", SearchOption.AllDirectories) : [])
        {
            string name = Path.GetFileName(blob);
            if (name.Length == 64)
            {
                using var file = File.OpenRead(blob);
                Assert.Equal(name, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(file)));
            }
        }

        File.Delete(Path.Combine(app.Directory, "Broken.cs"));
        AssertSucceeded(app.Build());
    }

    [Fact]
    public void Bad_manifest_fails_the_build_at_its_line_and_column()
    {
        var app = App().WithManifest("demo.models.json", SampleAsset.Manifest(_weights).Replace(_weights.Sha256, "xyz", StringComparison.Ordinal));
        var build = app.Build();
        Assert.NotEqual(0, build.ExitCode);
        Assert.Matches(@"models[/\\]demo\.models\.json\(7,\d+(,\d+,\d+)?\): error MM0203: 'assets\[0\]\.sha256' must be a SHA-256 digest", build.Output);
        Assert.Equal(0, _server.RequestCount);
    }

    [Fact]
    public void Missing_asset_fails_with_every_source_and_what_it_said()
    {
        var ghost = new SampleAsset("ghost", "ghost.bin", 1000, seed: 9);
        var app = App().WithManifest("demo.models.json", SampleAsset.Manifest(_weights, ghost));
        var build = app.Build();
        Assert.NotEqual(0, build.ExitCode);
        Assert.Matches(@"models[/\\]demo\.models\.json\(\d+,\d+(,\d+,\d+)?\): error MM1001: Model asset ghost \(ghost\.bin\)", build.Output);
        Assert.Contains($"directory:{_mirror}", build.Output, StringComparison.Ordinal);
        Assert.Contains("127.0.0.1", build.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Offline_with_everything_cached_succeeds_without_a_connection_and_missing_fails_clearly()
    {
        var first = App("first", mirror: false);
        AssertSucceeded(first.Build());
        await _server.WaitIdleAsync();
        int connections = _server.ConnectionCount;

        var second = App("second", mirror: false);
        AssertSucceeded(second.Build("-p:ModelAssetsOffline=true"));
        await _server.WaitIdleAsync();
        Assert.Equal(connections, _server.ConnectionCount);
        Assert.Contains("Model asset weights (weights.bin, 2.00 MB): from the cache", second.Run("build", "-v:n", "-p:ModelAssetsOffline=true", "--no-incremental").Output, StringComparison.Ordinal);

        var ghost = new SampleAsset("ghost", "ghost.bin", 1000, seed: 9);
        var third = App("third", mirror: false).WithManifest("demo.models.json", SampleAsset.Manifest(ghost));
        var build = third.Build("-p:ModelAssetsOffline=true");
        Assert.NotEqual(0, build.ExitCode);
        Assert.Contains("error MM1002", build.Output, StringComparison.Ordinal);
        Assert.Contains("ghost", build.Output, StringComparison.Ordinal);
        await _server.WaitIdleAsync();
        Assert.Equal(connections, _server.ConnectionCount);
    }

    [Fact]
    public async Task Two_builds_at_once_on_one_empty_cache_download_the_shared_asset_once()
    {
        var big = new SampleAsset("shared", "shared.bin", 24 * 1024 * 1024, seed: 5);
        _server.Add(big.HttpPath, big.Bytes);
        var a = new ConsumerProject(_packages, _root, "a", _cache, extraItems: Sources(mirror: false)).WithAssetPrintingProgram().WithManifest("m.models.json", SampleAsset.Manifest(big));
        var b = new ConsumerProject(_packages, _root, "b", _cache, extraItems: Sources(mirror: false)).WithAssetPrintingProgram().WithManifest("m.models.json", SampleAsset.Manifest(big));
        AssertSucceeded(a.Run("restore"));
        AssertSucceeded(b.Run("restore"));
        var startedA = a.Start("build", "--no-restore", "-v:n");
        var startedB = b.Start("build", "--no-restore", "-v:n");
        AssertSucceeded(DotNet.WaitFor(startedA));
        AssertSucceeded(DotNet.WaitFor(startedB));
        await _server.WaitIdleAsync();
        long delivered = _server.BytesSentFor(big.HttpPath);
        Assert.InRange(delivered, big.Bytes.Length, big.Bytes.Length + (big.Bytes.Length / 10));
        Assert.Equal(big.Bytes, File.ReadAllBytes(Path.Combine(a.OutputDirectory, "models", "shared.bin")));
        Assert.Equal(big.Bytes, File.ReadAllBytes(Path.Combine(b.OutputDirectory, "models", "shared.bin")));
    }

    [Fact]
    public void A_user_written_source_type_from_an_assembly_serves_assets()
    {
        // A class library that implements IAssetSource against the packed ModelManifest package: files stored by sha256.
        string store = Directory.CreateDirectory(Path.Combine(_root, "store")).FullName;
        File.WriteAllBytes(Path.Combine(store, _tokenizer.Sha256), _tokenizer.Bytes);
        var library = new ConsumerProject(_packages, _root, "sources", _cache, outputType: "Library",
            extraProperties: "<EnableModelAssetResolution>false</EnableModelAssetResolution>");
        File.WriteAllText(Path.Combine(library.Directory, "Sha256StoreSource.cs"), """
            using ModelManifest;
            using ModelManifest.Assets;

            namespace Sources;

            /// <summary>Serves files named by their sha256 from the folder in the item's Root metadata.</summary>
            public sealed class Sha256StoreSource(IReadOnlyDictionary<string, string> settings) : IAssetSource
            {
                private readonly string _root = settings["Root"];

                public string Name => "sha256-store:" + _root;

                public bool RequiresNetwork => false;

                public ValueTask<AssetAvailability> ProbeAsync(AssetInfo asset, CancellationToken cancellationToken) =>
                    ValueTask.FromResult(File.Exists(Path.Combine(_root, asset.Sha256)) ? AssetAvailability.Yes(asset.Size) : AssetAvailability.No("not in the store"));

                public ValueTask<AssetContent> OpenReadAsync(AssetInfo asset, long offset, CancellationToken cancellationToken) =>
                    ValueTask.FromResult(AssetContent.FromFile(Path.Combine(_root, asset.Sha256), offset));
            }
            """);
        AssertSucceeded(library.Build());
        string dll = Path.Combine(library.OutputDirectory, "sources.dll");

        var app = App(mirror: true, http: false).WithManifest("demo.models.json", SampleAsset.Manifest(_weights, _tokenizer));
        File.WriteAllText(Path.Combine(app.Directory, "Directory.Build.targets"), $$"""
            <Project>
              <ItemGroup>
                <ModelAssetSource Include="store" Type="Sources.Sha256StoreSource" AssemblyFile="{{dll}}" Root="{{store}}" Priority="50" />
              </ItemGroup>
            </Project>
            """);
        var build = app.Build();
        AssertSucceeded(build);
        Assert.Contains($"Model asset tokenizer@v1 (tokenizer.json, 0.10 MB): from sha256-store:{store}", build.Output, StringComparison.Ordinal);
        Assert.Contains($"Model asset weights (weights.bin, 2.00 MB): from directory:{_mirror}", build.Output, StringComparison.Ordinal);
        Assert.Equal(0, _server.RequestCount);
    }
}
