using System.Text.Json;

namespace ModelManifest.Cli.Tests;

/// <summary>
/// <c>verify &lt;model-id&gt; -m &lt;manifest&gt;</c> as a process: the model's assets come through the asset engine from a
/// real folder source into a private cache, then each file gets the format's own check.
/// </summary>
public sealed class VerifyModelTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly string _cache;
    private readonly string _manifest;
    private readonly string _source;

    public VerifyModelTests()
    {
        _cache = _dir.File("cache");
        _source = Directory.CreateDirectory(_dir.File("source")).FullName;
        string weights = _dir.Write("weights.safetensors", Samples.Safetensors());
        File.Copy(weights, Path.Combine(_source, "weights.safetensors"));
        _manifest = _dir.File("demo.models.json");
        Assert.Equal(0, CliRunner.Run("extract", weights, "--id", "weather", "--into", _manifest).ExitCode);
        File.Delete(weights); // the model form must fetch, not find the file by its name
    }

    public void Dispose() => _dir.Dispose();

    private CliRunner.Result Verify(string model, params string[] extra) =>
        CliRunner.Run(["verify", model, "-m", _manifest, "--cache", _cache, "--source", _source, .. extra]);

    [Fact]
    public void A_model_is_fetched_through_the_engine_and_each_asset_passes_its_format_check()
    {
        CliRunner.Result r = Verify("weather", "--json");
        Assert.True(r.ExitCode == 0, r.StdErr + r.StdOut);
        JsonElement report = JsonDocument.Parse(r.StdOut).RootElement;
        Assert.Equal(1, report.GetProperty("formatVersion").GetInt32());
        Assert.Equal("weather", report.GetProperty("model").GetString());
        Assert.Equal("pass", report.GetProperty("status").GetString());
        JsonElement asset = Assert.Single(report.GetProperty("assets").EnumerateArray());
        Assert.Equal("directory:" + _source, asset.GetProperty("source").GetString());
        Assert.Equal("safetensors", asset.GetProperty("format").GetString());
        Assert.Equal("structural", asset.GetProperty("method").GetString());
        Assert.Equal("pass", asset.GetProperty("status").GetString());
        Assert.StartsWith(Path.GetFullPath(_cache), asset.GetProperty("path").GetString(), StringComparison.Ordinal);

        // Now cached: offline and without a source, the same model verifies from the cache.
        CliRunner.Result again = CliRunner.Run("verify", "weather", "-m", _manifest, "--cache", _cache, "--offline");
        Assert.True(again.ExitCode == 0, again.StdErr + again.StdOut);
    }

    [Fact]
    public void A_corrupted_source_file_is_refused_by_the_engine_and_nothing_is_checked()
    {
        string served = Path.Combine(_source, "weights.safetensors");
        byte[] bytes = File.ReadAllBytes(served);
        bytes[^1] ^= 0xFF; // same size, different sha256
        File.WriteAllBytes(served, bytes);

        CliRunner.Result r = Verify("weather");
        Assert.Equal(1, r.ExitCode);
        string[] errors = r.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        string error = Assert.Single(errors);
        Assert.StartsWith("error MM10", error, StringComparison.Ordinal);
        Assert.Contains("weather@", error, StringComparison.Ordinal);
        Assert.Contains("MM1004", error, StringComparison.Ordinal); // the source's attempt says why: sha256 mismatch
        Assert.DoesNotContain("   at ", r.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_model_id_is_one_clean_error_that_names_the_known_ids()
    {
        CliRunner.Result r = Verify("wheather");
        Assert.Equal(2, r.ExitCode);
        CliRunner.AssertOneCleanErrorLine(r, "MM2502");
        Assert.Contains("weather@", r.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public void A_name_that_is_neither_a_file_nor_used_with_a_manifest_is_one_clean_error()
    {
        CliRunner.Result r = CliRunner.Run("verify", _dir.File("missing.safetensors"));
        Assert.Equal(2, r.ExitCode);
        CliRunner.AssertOneCleanErrorLine(r, "MM2002");
        Assert.Contains("--manifest", r.StdErr, StringComparison.Ordinal);
    }
}
