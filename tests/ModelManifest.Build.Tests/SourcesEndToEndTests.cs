using Azure.Storage.Blobs;

namespace ModelManifest.Build.Tests;

/// <summary>
/// Where models actually live, end to end with real servers on loopback: `modelmanifest push` fills S3 (s3rver), Azure
/// Blob Storage (Azurite), an OCI registry (CNCF Distribution) and the project's registry; then fresh apps that
/// reference the packed package build on an empty cache with those places as their only sources — in the MSBuild
/// process and in the out-of-process host — and run. Each asset exists in exactly one place, so every kind must serve.
/// </summary>
[Collection(PackedPackagesCollection.Name)]
[Trait("Category", "EndToEnd")]
public sealed class SourcesEndToEndTests : IAsyncLifetime
{
    private const string S3KeyVariable = "MM_E2E_S3_KEY";
    private const string S3SecretVariable = "MM_E2E_S3_SECRET";
    private const string RegistryTokenVariable = "MM_E2E_REGISTRY_TOKEN";
    private readonly PackedPackages _packages;
    private readonly string _root;
    private readonly SampleAsset _s3 = new("s3w", "s3w.bin", 300 * 1024, seed: 41);
    private readonly SampleAsset _azure = new("azw", "azw.bin", 200 * 1024, seed: 42);
    private readonly SampleAsset _oci = new("ociw", "ociw.bin", 250 * 1024, seed: 43);
    private readonly SampleAsset _hub = new("hubw", "hubw.bin", 150 * 1024, seed: 44);
    private readonly SampleAsset _registry = new("regw", "regw.bin", 350 * 1024, seed: 45);
    private S3Server _s3Server = null!;
    private AzuriteServer _azurite = null!;
    private OciRegistryServer _ociServer = null!;
    private RegistryServer _registryServer = null!;

    public SourcesEndToEndTests(PackedPackages packages)
    {
        _packages = packages;
        _root = Directory.CreateDirectory(Path.Combine(packages.Root, "sources-" + Guid.NewGuid().ToString("N")[..8])).FullName;
    }

    public async Task InitializeAsync()
    {
        _s3Server = S3Server.Start("models");
        _azurite = AzuriteServer.Start();
        await new BlobServiceClient(_azurite.ConnectionString()).GetBlobContainerClient("models").CreateIfNotExistsAsync();
        _ociServer = await OciRegistryServer.StartAsync();
        _registryServer = RegistryServer.Start(Directory.CreateDirectory(Path.Combine(_root, "registry-data")).FullName);

        Push(_s3, "--to", "s3://models/team");
        Push(_azure, "--to", "azblob://devstoreaccount1/models/team");
        Push(_oci, "--to", $"oci://{_ociServer.Host}/team/{_oci.Id}-model");
        Push(_hub, "--registry", _registryServer.BaseUrl, "--token-env", RegistryTokenVariable);
        Push(_registry, "--registry", _registryServer.BaseUrl, "--token-env", RegistryTokenVariable);
    }

    public async Task DisposeAsync()
    {
        await _registryServer.DisposeAsync();
        await _ociServer.DisposeAsync();
        await _azurite.DisposeAsync();
        await _s3Server.DisposeAsync();
    }

    /// <summary>The credentials each kind reads, by the conventional variables or the names the items give; nothing else.</summary>
    private Dictionary<string, string> Environment() => new()
    {
        [S3KeyVariable] = S3Server.AccessKey,
        [S3SecretVariable] = S3Server.SecretKey,
        ["AWS_EC2_METADATA_DISABLED"] = "true",
        ["AWS_CONFIG_FILE"] = Path.Combine(_root, "no-aws-config"),
        ["AWS_SHARED_CREDENTIALS_FILE"] = Path.Combine(_root, "no-aws-credentials"),
        ["AZURE_STORAGE_CONNECTION_STRING"] = _azurite.ConnectionString(),
        [RegistryTokenVariable] = RegistryServer.AdminToken,
        ["DOCKER_CONFIG"] = Path.Combine(_root, "no-docker-config"),
        ["MODELMANIFEST_LOCAL_CACHES"] = "0",
    };

    private DotnetTool.Result Cli(params string[] args)
    {
        string dll = Path.Combine(TestPaths.RepositoryRoot, "src", "ModelManifest.Cli", "bin", "Release", "net10.0", "ModelManifest.Cli.dll");
        // The publisher uses the conventional AWS variables; the apps below use item settings only (so the
        // out-of-process host is shown to receive them).
        var environment = Environment().Concat(_s3Server.ClientEnvironment).Select(p => KeyValuePair.Create(p.Key, (string?)p.Value))
            .Append(KeyValuePair.Create("MODELMANIFEST_CACHE", (string?)Path.Combine(_root, "cli-cache")));
        return DotnetTool.Run(dll, args, environment);
    }

    /// <summary>A publisher's folder (manifest + bytes) pushed with the CLI, as a team fills its store.</summary>
    private void Push(SampleAsset asset, params string[] destination)
    {
        string folder = Path.Combine(_root, "publish-" + asset.Id);
        asset.WriteTo(folder);
        File.WriteAllText(Path.Combine(folder, asset.Id + ".models.json"), SampleAsset.Manifest(asset));
        var result = Cli(["push", folder, .. destination]);
        Assert.True(result.ExitCode == 0, $"push {asset.Id} {string.Join(' ', destination)}:\n{result.StdOut}\n{result.StdErr}");
    }

    private string Sources() => $"""
        <ModelAssetSource Include="s3://models/team" Priority="10" Endpoint="{_s3Server.Endpoint}" AccessKeyEnvironmentVariable="{S3KeyVariable}" SecretKeyEnvironmentVariable="{S3SecretVariable}" />
        <ModelAssetSource Include="azblob://devstoreaccount1/models/team" Priority="20" />
        <ModelAssetSource Include="oci://{_ociServer.Host}/team/{_oci.Id}-model:1.0.0" Priority="30" />
        <ModelAssetSource Include="hf://registry/{_hub.Id}-model@1.0.0" Endpoint="{_registryServer.BaseUrl}" Priority="40" />
        <ModelAssetSource Include="{_registryServer.BaseUrl}/" Kind="registry" TokenEnvironmentVariable="{RegistryTokenVariable}" Priority="50" />
        """;

    private ConsumerProject App(string name, string extraProperties = "")
    {
        var app = new ConsumerProject(_packages, _root, name, Path.Combine(_root, name + "-cache"), extraItems: Sources(),
                extraProperties: "<ModelAssetUseUrlHints>false</ModelAssetUseUrlHints>" + extraProperties)
            .WithAssetPrintingProgram()
            .WithManifest("team.models.json", SampleAsset.Manifest(_s3, _azure, _oci, _hub, _registry));
        foreach (var (key, value) in Environment())
        {
            app.ExtraEnvironment[key] = value;
        }

        return app;
    }

    private void AssertEveryKindServedAndTheAppReadsVerifiedBytes(ConsumerProject app, DotNet.Result build)
    {
        Assert.True(build.ExitCode == 0, build.Output);
        string[] expected =
        [
            @"\(s3w\.bin, 0\.29 MB\): from s3://models/team",
            @"\(azw\.bin, 0\.20 MB\): from azblob://devstoreaccount1/models/team",
            @"\(ociw\.bin, 0\.24 MB\): from oci:127\.0\.0\.1:\d+/team/ociw-model:1\.0\.0",
            @"\(hubw\.bin, 0\.15 MB\): from hf://registry/hubw-model",
            @"\(regw\.bin, 0\.34 MB\): from registry:http://127\.0\.0\.1:\d+",
        ];
        foreach (string line in expected)
        {
            Assert.True(System.Text.RegularExpressions.Regex.IsMatch(build.Output, line), $"'{line}' not in:\n{build.Output}");
        }

        Assert.DoesNotContain(S3Server.SecretKey + "\"", build.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(RegistryServer.AdminToken, build.Output, StringComparison.Ordinal);
        var run = ConsumerProject.RunApp(Path.Combine(app.OutputDirectory, app.Name + ".dll"));
        Assert.True(run.ExitCode == 0, run.Output);
        foreach (SampleAsset asset in new[] { _s3, _azure, _oci, _hub, _registry })
        {
            Assert.Contains($"asset {asset.Id} models/{asset.FileName} {asset.Sha256}", run.Output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void An_app_builds_on_an_empty_cache_from_s3_azure_oci_the_hub_protocol_and_the_registry()
    {
        var app = App("app");
        AssertEveryKindServedAndTheAppReadsVerifiedBytes(app, app.Build());
    }

    [Fact]
    public void The_out_of_process_host_gets_every_setting_of_every_kind()
    {
        var app = App("oop", "<ModelAssetResolveOutOfProcess>true</ModelAssetResolveOutOfProcess>");
        AssertEveryKindServedAndTheAppReadsVerifiedBytes(app, app.Build());
    }

    [Fact]
    public void Pull_from_the_registry_by_alias_then_build_with_the_registry_as_the_only_source_and_run()
    {
        var alias = Cli("alias", "set", _registry.Id + "-model", "production", "1.0.0", "--registry", _registryServer.BaseUrl, "--token-env", RegistryTokenVariable);
        Assert.True(alias.ExitCode == 0, alias.StdErr);
        var app = new ConsumerProject(_packages, _root, "pulled", Path.Combine(_root, "pulled-cache"),
                extraItems: $"""<ModelAssetSource Include="{_registryServer.BaseUrl}/" Kind="registry" />""",
                extraProperties: "<ModelAssetUseUrlHints>false</ModelAssetUseUrlHints>")
            .WithAssetPrintingProgram(catalog: true);
        app.ExtraEnvironment["MODELMANIFEST_LOCAL_CACHES"] = "0";
        string manifest = Path.Combine(app.Directory, "models", "pulled.models.json");

        var pull = Cli("pull", _registry.Id + "-model@production", "--registry", _registryServer.BaseUrl, "--into", manifest);
        Assert.True(pull.ExitCode == 0, pull.StdErr);

        var build = app.Build();
        Assert.True(build.ExitCode == 0, build.Output);
        Assert.Matches(@"\(regw\.bin, 0\.34 MB\): from registry:http://127\.0\.0\.1:\d+", build.Output);
        var run = ConsumerProject.RunApp(Path.Combine(app.OutputDirectory, "pulled.dll"));
        Assert.True(run.ExitCode == 0, run.Output);
        Assert.Contains("model regw-model 1.0.0", run.Output, StringComparison.Ordinal);
        Assert.Contains($"asset regw models/regw.bin {_registry.Sha256}", run.Output, StringComparison.Ordinal);
    }
}
