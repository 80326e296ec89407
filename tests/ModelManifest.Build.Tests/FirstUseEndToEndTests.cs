
namespace ModelManifest.Build.Tests;

/// <summary>
/// A new user's first steps with the packed package: an app with nothing to do, a library + app + test project
/// solution, and an offline build under -warnaserror — each against a real loopback server that must see nothing.
/// </summary>
[Collection(PackedPackagesCollection.Name)]
[Trait("Category", "EndToEnd")]
public sealed class FirstUseEndToEndTests : IAsyncLifetime
{
    private readonly PackedPackages _packages;
    private readonly string _root;
    private readonly string _cache;
    private readonly string _mirror;
    private readonly SampleAsset _weights = new("weights", "weights.bin", 256 * 1024, seed: 11);
    private LoopbackServer _server = null!;

    public FirstUseEndToEndTests(PackedPackages packages)
    {
        _packages = packages;
        _root = Directory.CreateDirectory(Path.Combine(packages.Root, Guid.NewGuid().ToString("N")[..8])).FullName;
        _cache = Path.Combine(_root, "cache");
        _mirror = Path.Combine(_root, "mirror");
        _weights.WriteTo(_mirror);
    }

    public async Task InitializeAsync()
    {
        _server = await LoopbackServer.StartAsync();
        _server.Add(_weights.HttpPath, _weights.Bytes);
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private static void AssertSucceeded(DotNet.Result result) => Assert.True(result.ExitCode == 0, result.Output);

    [Fact]
    public async Task Package_in_an_app_with_nothing_to_do_is_inert_in_build_publish_clean_and_design_time_builds()
    {
        // What `dotnet new console` + `dotnet add package ModelManifest.Build` gives: no manifest, no source.
        var app = new ConsumerProject(_packages, _root, "empty", _cache).WithPlainProgram();
        AssertSucceeded(app.Run("build"));
        AssertSucceeded(app.Run("msbuild", "-t:ResolveReferences;AssignTargetPaths;GetCopyToOutputDirectoryItems", "-p:DesignTimeBuild=true"));
        AssertSucceeded(app.Run("publish", "-o", Path.Combine(_root, "empty-publish")));
        AssertSucceeded(app.Run("clean"));
        Assert.False(File.Exists(Path.Combine(app.OutputDirectory, "modelmanifest.bundle.json")));

        // A manifest whose model references no asset, then a ModelBundle that selects nothing: still nothing to do.
        app.WithManifest("bare.models.json", """
            { "schemaVersion": "1.1", "models": [ { "id": "bare", "version": "1.0.0", "description": "No files yet." } ] }
            """);
        AssertSucceeded(app.Run("build"));
        app.WithManifest("demo.models.json", SampleAsset.Manifest(_weights));
        File.WriteAllText(Path.Combine(app.Directory, "Directory.Build.targets"), """
            <Project>
              <ItemGroup>
                <ModelBundle Include="weights-model" Tags="no-such-tag" />
              </ItemGroup>
            </Project>
            """);
        AssertSucceeded(app.Run("publish", "-o", Path.Combine(_root, "bundle-publish")));
        Assert.False(Directory.Exists(Path.Combine(app.OutputDirectory, "models")));
        await _server.WaitIdleAsync();
        Assert.Equal(0, _server.RequestCount);
    }

    [Fact]
    public void Library_app_and_test_project_solution_builds_and_bundles_the_librarys_assets()
    {
        string sources = $"""<ModelAssetSource Include="{_mirror}" />""";
        var library = new ConsumerProject(_packages, _root, "lib", _cache, outputType: "Library", extraItems: sources)
            .WithManifest("demo.models.json", SampleAsset.Manifest(_weights));
        File.WriteAllText(Path.Combine(library.Directory, "Library.cs"), "namespace Lib; public static class Marker { }");
        var app = new ConsumerProject(_packages, _root, "app", _cache, extraItems: sources + """<ProjectReference Include="../lib/lib.csproj" />""")
            .WithPlainProgram();
        var tests = new ConsumerProject(_packages, _root, "app.tests", _cache, outputType: "Library",
            extraProperties: "<IsTestProject>true</IsTestProject>",
            extraItems: sources + """<ProjectReference Include="../app/app.csproj" /><ProjectReference Include="../lib/lib.csproj" />""");
        File.WriteAllText(Path.Combine(tests.Directory, "AppTests.cs"), "namespace App.Tests; public static class AppTests { public static System.Type Marker => typeof(Lib.Marker); }");
        File.WriteAllText(Path.Combine(_root, "all.slnx"), """
            <Solution>
              <Project Path="lib/lib.csproj" />
              <Project Path="app/app.csproj" />
              <Project Path="app.tests/app.tests.csproj" />
            </Solution>
            """);

        AssertSucceeded(DotNet.Run(_root, ["build", "all.slnx", "-nodeReuse:false"], app.Environment()));
        Assert.Equal(_weights.Bytes, File.ReadAllBytes(Path.Combine(app.OutputDirectory, "models", "weights.bin")));
        Assert.Equal(_weights.Bytes, File.ReadAllBytes(Path.Combine(tests.OutputDirectory, "models", "weights.bin")));
    }

    [Fact]
    public async Task Offline_build_served_by_a_mirror_passes_warnaserror_and_MODELMANIFEST_OFFLINE_is_the_same_switch()
    {
        // The server is asked first: only the offline switch keeps the build away from it.
        string sources = $"""<ModelAssetSource Include="{_server.BaseUrl}" Priority="0" /><ModelAssetSource Include="{_mirror}" Priority="10" />""";
        var app = new ConsumerProject(_packages, _root, "offline", _cache, extraItems: sources)
            .WithPlainProgram()
            .WithManifest("demo.models.json", SampleAsset.Manifest(_weights));

        // Default verbosity, output redirected: the asset's lines still show.
        var property = app.Run("build", "-warnaserror", "-p:ModelAssetsOffline=true");
        AssertSucceeded(property);
        Assert.Contains($"Model asset weights (weights.bin, 0.25 MB): from directory:{_mirror}", property.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("MM1105", property.Output, StringComparison.Ordinal);

        // MODELMANIFEST_OFFLINE=1 alone, on an empty cache: the mirror again, and not one connection to the server.
        Unbundle(app);
        app.ExtraEnvironment["MODELMANIFEST_OFFLINE"] = "1";
        var environment = app.Run("build", "-warnaserror", "-p:ModelAssetCacheRoot=" + Path.Combine(_root, "offline-cache"));
        AssertSucceeded(environment);
        Assert.Contains($"Model asset weights (weights.bin, 0.25 MB): from directory:{_mirror}", environment.Output, StringComparison.Ordinal);
        await _server.WaitIdleAsync();
        Assert.Equal(0, _server.ConnectionCount);

        // Control: the same app online, on an empty cache, takes the asset from the server it prefers.
        Unbundle(app);
        app.ExtraEnvironment.Remove("MODELMANIFEST_OFFLINE");
        AssertSucceeded(app.Run("build", "-p:ModelAssetCacheRoot=" + Path.Combine(_root, "online-cache")));
        await _server.WaitIdleAsync();
        Assert.Equal(_weights.Bytes.Length, _server.BytesSentFor(_weights.HttpPath));
    }

    [Fact]
    public void Forced_out_of_process_resolution_bundles_the_same_files_and_reports_the_same_errors()
    {
        var app = new ConsumerProject(_packages, _root, "oop", _cache, extraItems: $"""<ModelAssetSource Include="{_mirror}" />""",
                extraProperties: "<ModelAssetResolveOutOfProcess>true</ModelAssetResolveOutOfProcess>")
            .WithAssetPrintingProgram()
            .WithManifest("demo.models.json", SampleAsset.Manifest(_weights));
        var build = app.Run("build");
        AssertSucceeded(build);
        Assert.Contains($"Model asset weights (weights.bin, 0.25 MB): from directory:{_mirror}", build.Output, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(app.Directory, "obj", "modelassets", "request.txt"))); // the child process's input
        var run = ConsumerProject.RunApp(Path.Combine(app.OutputDirectory, "oop.dll"));
        AssertSucceeded(run);
        Assert.Contains($"asset weights models/weights.bin {_weights.Sha256}", run.Output, StringComparison.Ordinal);

        File.WriteAllText(Path.Combine(app.Directory, "Directory.Build.targets"), """
            <Project>
              <ItemGroup>
                <ModelAssetSource Include="htp://127.0.0.1/models" />
              </ItemGroup>
            </Project>
            """);
        var bad = app.Run("build");
        Assert.NotEqual(0, bad.ExitCode);
        Assert.Contains("error MM1101: ModelAssetSource 'htp://127.0.0.1/models': 'htp://' is not a supported scheme", bad.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("MSB3073", bad.Output, StringComparison.Ordinal);
        Assert.Contains("error MM1111: Model asset resolution out of process failed: see the errors above.", bad.Output, StringComparison.Ordinal);

        AssertSucceeded(app.Run("clean"));
        Assert.False(File.Exists(Path.Combine(app.OutputDirectory, "models", "weights.bin")));
    }

    private static void Unbundle(ConsumerProject app)
    {
        Directory.Delete(Path.Combine(app.Directory, "obj", "modelassets"), recursive: true);
        File.Delete(Path.Combine(app.OutputDirectory, "models", "weights.bin"));
    }
}
