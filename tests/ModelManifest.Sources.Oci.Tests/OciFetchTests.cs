using System.Text;

namespace ModelManifest.Sources.Oci.Tests;

/// <summary>
/// Fetching from a real CNCF Distribution registry an artifact another client put there (an OCI layout written on disk
/// in Docker Model Runner's GGUF layout, copied in with skopeo): through the engine and the CLI, by range, by digest
/// alone, and "not here" handing over to the next source.
/// </summary>
public sealed class OciFetchTests : IClassFixture<OpenRegistryFixture>, IDisposable
{
    private readonly TempDir _dir = new();
    private readonly OpenRegistryFixture _registry;
    private readonly SampleAsset _gguf = new("smollm", "smollm.gguf", 150_000, seed: 11);

    public OciFetchTests(OpenRegistryFixture registry)
    {
        _registry = registry;
        var layout = new OciLayout(_dir.Sub("layout"));
        string config = layout.Blob("application/vnd.docker.ai.model.config.v0.1+json", Encoding.UTF8.GetBytes("""{"config":{"format":"gguf","quantization":"Q8_0"}}"""));
        layout.Manifest("v1", config, layout.Blob("application/vnd.docker.ai.gguf.v3", _gguf.Bytes));
        Tools.Skopeo("copy", "--dest-tls-verify=false", $"oci:{layout.Root}:v1", $"docker://{Host}/ai/smollm:v1");
    }

    private string Host => _registry.Server.Host;

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task An_artifact_another_client_pushed_is_fetched_through_the_engine()
    {
        var engine = OciTestKit.Engine(_dir);
        engine.AddSource(OciTestKit.Source($"oci://{Host}/ai/smollm:v1"));

        var fetched = await engine.GetAsync(OciTestKit.Info(_gguf));

        Assert.Equal($"oci:{Host}/ai/smollm:v1", fetched.SourceName);
        Assert.Equal(_gguf.Bytes, await File.ReadAllBytesAsync(fetched.CachePath));
    }

    [Fact]
    public void The_CLI_fetches_it_with_fetch_source()
    {
        string manifest = _dir.Write("demo.models.json", Encoding.UTF8.GetBytes(SampleAsset.Manifest(_gguf)));

        var result = Tools.Cli(null, "fetch", "-m", manifest, "--cache", _dir.File("cli-cache"), "--source", $"oci://{Host}/ai/smollm:v1", "--json");

        Assert.True(result.ExitCode == 0, result.All);
        Assert.Contains($"\"source\": \"oci:{Host}/ai/smollm:v1\"", result.StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_range_of_a_blob_is_served_exactly()
    {
        var source = (IRangedAssetSource)OciTestKit.Source($"oci://{Host}/ai/smollm:v1");

        var content = await source.OpenRangeAsync(OciTestKit.Info(_gguf), 1000, 2345, CancellationToken.None);

        Assert.Equal((1000L, (long?)2345), (content.Offset, content.Length));
        Assert.Equal(_gguf.Bytes.AsSpan(1000, 2345).ToArray(), await OciTestKit.ReadAllAsync(content));
        var resumed = await source.OpenReadAsync(OciTestKit.Info(_gguf), 149_000, CancellationToken.None);
        Assert.Equal(_gguf.Bytes.AsSpan(149_000).ToArray(), await OciTestKit.ReadAllAsync(resumed));
    }

    [Fact]
    public async Task A_location_without_a_tag_finds_the_asset_by_digest_in_the_repository()
    {
        var source = OciTestKit.Source($"oci://{Host}/ai/smollm");

        var availability = await source.ProbeAsync(OciTestKit.Info(_gguf), CancellationToken.None);

        Assert.Equal(AssetAvailability.Yes(_gguf.Bytes.Length), availability);
    }

    [Fact]
    public async Task An_asset_the_registry_lacks_goes_to_the_next_source()
    {
        var other = new SampleAsset("other", "other.bin", 3_000, seed: 12);
        string folder = _dir.Sub("mirror");
        other.WriteTo(folder);
        var engine = OciTestKit.Engine(_dir);
        engine.AddSource(OciTestKit.Source($"oci://{Host}/ai/smollm:v1"), priority: 1);
        engine.AddSource(OciTestKit.Source($"oci://{Host}/ai/missing:v9"), priority: 2);
        engine.AddSource(OciTestKit.Source(folder), priority: 3);

        var fetched = await engine.GetAsync(OciTestKit.Info(other));

        Assert.Equal("directory:" + folder, fetched.SourceName);
        Assert.Equal(2, fetched.Attempts.Count);
        Assert.All(fetched.Attempts, a => Assert.Equal("MM1011", a.Code));
        Assert.Contains("has no layer sha256:" + other.Sha256, fetched.Attempts[0].Message, StringComparison.Ordinal);
        Assert.Contains("the tag v9 (not found)", fetched.Attempts[1].Message, StringComparison.Ordinal);
    }
}
