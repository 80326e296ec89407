using System.Text.Json;

namespace ModelManifest.Sources.Oci.Tests;

/// <summary>
/// Pushing to a real CNCF Distribution registry: a CNCF ModelPack artifact that skopeo (another client) reads back byte
/// for byte, idempotent pushes, chunked uploads, cross-repository mounts, and the model manifest recovered by a pull.
/// </summary>
public sealed class OciPushTests(OpenRegistryFixture registry) : IClassFixture<OpenRegistryFixture>, IDisposable
{
    private readonly TempDir _dir = new();

    private string Location(string repository) => $"oci://{registry.Server.Host}/{repository}";

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task A_pushed_model_is_a_ModelPack_artifact_that_skopeo_reads_back()
    {
        var weights = new SampleAsset("weather", "weather.onnx", 70_000, seed: 1);
        var tokenizer = new SampleAsset("vocab", "tokenizer.json", 900, seed: 2);
        var push = OciTestKit.Push(_dir, "1.2.0+build.7", weights, tokenizer);

        var result = await OciTestKit.Target(Location("team/weather")).PushAsync(push, null, CancellationToken.None);

        Assert.Equal(2, result.Uploaded);
        Assert.StartsWith($"oci://{registry.Server.Host}/team/weather:1.2.0_build.7@sha256:", result.Reference, StringComparison.Ordinal);
        string docker = $"docker://{registry.Server.Host}/team/weather:1.2.0_build.7";
        using var manifest = JsonDocument.Parse(Tools.Skopeo("inspect", "--raw", "--tls-verify=false", docker));
        var root = manifest.RootElement;
        Assert.Equal("application/vnd.cncf.model.manifest.v1+json", root.GetProperty("artifactType").GetString());
        Assert.Equal("application/vnd.cncf.model.config.v1+json", root.GetProperty("config").GetProperty("mediaType").GetString());
        var layers = root.GetProperty("layers").EnumerateArray().ToList();
        Assert.Equal(["weather.onnx", "tokenizer.json"], layers.Select(l => l.GetProperty("annotations").GetProperty("org.cncf.model.filepath").GetString()));
        Assert.Equal("sha256:" + weights.Sha256, layers[0].GetProperty("digest").GetString());
        Assert.Equal("application/vnd.cncf.model.weight.v1.raw", layers[0].GetProperty("mediaType").GetString());
        Assert.Equal(SampleAsset.Manifest(weights, tokenizer), root.GetProperty("annotations").GetProperty("org.modelmanifest.manifest").GetString());

        using var config = JsonDocument.Parse(Tools.Skopeo("inspect", "--raw", "--config", "--tls-verify=false", docker));
        Assert.Equal("weather-model", config.RootElement.GetProperty("descriptor").GetProperty("name").GetString());
        Assert.Equal("1.2.0+build.7", config.RootElement.GetProperty("descriptor").GetProperty("version").GetString());
        Assert.Equal("layers", config.RootElement.GetProperty("modelfs").GetProperty("type").GetString());

        // skopeo copies the artifact into an OCI layout: the layer blob there is the file, byte for byte.
        string layout = _dir.File("copied");
        Tools.Skopeo("copy", "--src-tls-verify=false", docker, $"oci:{layout}:pulled");
        Assert.Equal(weights.Bytes, await File.ReadAllBytesAsync(Path.Combine(layout, "blobs", "sha256", weights.Sha256)));
        Assert.Equal(tokenizer.Bytes, await File.ReadAllBytesAsync(Path.Combine(layout, "blobs", "sha256", tokenizer.Sha256)));
    }

    [Fact]
    public async Task The_CLI_pushes_a_manifest_and_skopeo_pulls_the_bytes()
    {
        var asset = new SampleAsset("clipush", "clipush.safetensors", 30_000, seed: 7);
        string folder = _dir.Sub("cli-push");
        asset.WriteTo(folder);
        File.WriteAllText(Path.Combine(folder, "clipush.models.json"), SampleAsset.Manifest(asset));
        string[] push = ["push", folder, "--to", Location("team/clipush"), "--cache", _dir.File("cli-cache"), "--json"];

        var first = Tools.Cli(null, push);
        var second = Tools.Cli(null, push);

        Assert.True(first.ExitCode == 0, first.All);
        Assert.Contains("\"uploaded\": 1", first.StdOut, StringComparison.Ordinal);
        Assert.True(second.ExitCode == 0, second.All);
        Assert.Contains("\"uploaded\": 0", second.StdOut, StringComparison.Ordinal);
        string layout = _dir.File("cli-pulled");
        Tools.Skopeo("copy", "--src-tls-verify=false", $"docker://{registry.Server.Host}/team/clipush:1.0.0", $"oci:{layout}:pulled");
        Assert.Equal(asset.Bytes, await File.ReadAllBytesAsync(Path.Combine(layout, "blobs", "sha256", asset.Sha256)));
    }

    [Fact]
    public async Task Pushing_the_same_version_twice_uploads_nothing_and_keeps_the_digest()
    {
        var asset = new SampleAsset("twice", "twice.bin", 10_000, seed: 3);
        var push = OciTestKit.Push(_dir, "2.0.0", asset);
        var target = OciTestKit.Target(Location("team/twice"));

        var first = await target.PushAsync(push, null, CancellationToken.None);
        var second = await target.PushAsync(push, null, CancellationToken.None);

        Assert.Equal((1, 0), (first.Uploaded, first.Skipped));
        Assert.Equal((0, 1), (second.Uploaded, second.Skipped));
        Assert.Equal(first.Reference, second.Reference);
    }

    [Fact]
    public async Task A_blob_larger_than_the_chunk_size_goes_up_in_chunks_and_reads_back_whole()
    {
        var asset = new SampleAsset("chunked", "chunked.bin", 10_001, seed: 4);
        var progress = new List<long>();
        var target = OciTestKit.Target(Location("team/chunked") + ":v1", new() { ["ChunkSize"] = "4096" });

        var result = await target.PushAsync(OciTestKit.Push(_dir, "1.0.0", asset), new SyncProgress(p => progress.Add(p.BytesDone)), CancellationToken.None);

        Assert.Equal(1, result.Uploaded);
        Assert.Equal(asset.Bytes.Length, progress.Max());
        var engine = OciTestKit.Engine(_dir);
        engine.AddSource(OciTestKit.Source(Location("team/chunked") + ":v1"));
        var fetched = await engine.GetAsync(OciTestKit.Info(asset));
        Assert.Equal(asset.Bytes, await File.ReadAllBytesAsync(fetched.CachePath));
    }

    [Fact]
    public async Task A_blob_of_another_repository_is_mounted_not_uploaded_again()
    {
        var asset = new SampleAsset("mounted", "mounted.bin", 20_000, seed: 5);
        await OciTestKit.Target(Location("team/origin")).PushAsync(OciTestKit.Push(_dir, "1.0.0", asset), null, CancellationToken.None);

        var result = await OciTestKit.Target(Location("team/copy"), new() { ["MountFrom"] = "team/origin" })
            .PushAsync(OciTestKit.Push(_dir, "1.0.0", asset), null, CancellationToken.None);

        Assert.Equal((0, 1), (result.Uploaded, result.Skipped));
        string digest = Tools.Skopeo("inspect", "--raw", "--tls-verify=false", $"docker://{registry.Server.Host}/team/copy:1.0.0");
        Assert.Contains(asset.Sha256, digest, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_pull_recovers_the_pushed_model_manifest_and_its_assets()
    {
        var asset = new SampleAsset("roundtrip", "roundtrip.gguf", 5_000, seed: 6);
        var push = OciTestKit.Push(_dir, "3.1.0", asset);
        await OciTestKit.Target(Location("team/roundtrip")).PushAsync(push, null, CancellationToken.None);

        var source = (OciAssetSource)OciTestKit.Source(Location("team/roundtrip:3.1.0"));
        Assert.Equal(push.ManifestJson, await source.ReadModelManifestJsonAsync(CancellationToken.None));
        var engine = OciTestKit.Engine(_dir);
        engine.AddSource(source);
        var fetched = await engine.GetAsync(OciTestKit.Info(asset));
        Assert.Equal("oci:" + registry.Server.Host + "/team/roundtrip:3.1.0", fetched.SourceName);
        Assert.Equal(asset.Bytes, await File.ReadAllBytesAsync(fetched.CachePath));
    }

    /// <summary>Reports on the caller's thread (Progress&lt;T&gt; would post to the thread pool and race the assertions).</summary>
    private sealed class SyncProgress(Action<AssetProgress> report) : IProgress<AssetProgress>
    {
        public void Report(AssetProgress value) => report(value);
    }
}
