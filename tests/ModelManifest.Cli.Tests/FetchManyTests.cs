using System.Text.Json;

namespace ModelManifest.Cli.Tests;

/// <summary>
/// <c>fetch</c> of many assets as a real process against a loopback HTTP server that paces every response, so
/// downloads overlap only when the CLI runs several at once: the server sees them overlap, every asset lands in the
/// cache with its sha256, the result lines keep the manifest's order, and one total line sums the run.
/// </summary>
public sealed class FetchManyTests : IAsyncLifetime
{
    private readonly TempDir _dir = new();
    private readonly SampleAsset[] _assets = [.. Enumerable.Range(0, 20).Select(i => new SampleAsset($"shard{i:00}", $"shard{i:00}.bin", 16 * 1024 + i, seed: 200 + i))];
    private LoopbackServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = await LoopbackServer.StartAsync();
        foreach (SampleAsset asset in _assets)
        {
            // 64 KiB/s: each response lasts about a quarter of a second, long enough for the next ones to start.
            _server.Add(asset.HttpPath, new ServedFile(asset.Bytes) { BytesPerSecondPerConnection = 64 * 1024 });
        }
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _dir.Dispose();
    }

    private CliRunner.Result Fetch(params string[] extra)
    {
        string manifest = _dir.Write("many.models.json", System.Text.Encoding.UTF8.GetBytes(SampleAsset.Manifest(_assets)));
        return CliRunner.Run(["fetch", "-m", manifest, "--cache", _dir.File("cache"), "--source", _server.BaseUrl.ToString(), "--json", .. extra]);
    }

    [Fact]
    public void Fetch_of_20_assets_runs_several_at_once_and_caches_every_one_verified()
    {
        CliRunner.Result result = Fetch("--max-concurrent-assets", "4");
        Assert.True(result.ExitCode == 0, result.StdErr + result.StdOut);

        Assert.InRange(_server.MaxInFlight, 2, 4);
        var rows = JsonDocument.Parse(result.StdOut).RootElement.GetProperty("assets").EnumerateArray().ToList();
        Assert.Equal(_assets.Select(a => a.Id), rows.Select(r => r.GetProperty("asset").GetString()));
        foreach (var (asset, row) in _assets.Zip(rows))
        {
            Assert.StartsWith("http:", row.GetProperty("source").GetString(), StringComparison.Ordinal);
            Assert.Equal(asset.Sha256, TestContent.Sha256(File.ReadAllBytes(row.GetProperty("path").GetString()!)));
        }

        Assert.Matches(@"total: 20 assets \(0 failed, 0 from the cache\): 0\.3 MB downloaded in \d+\.\d\d s, \d+\.\d MB/s, 4 at once", result.StdErr);
    }

    [Fact]
    public void Https_to_a_plain_HTTP_server_is_one_clean_error_that_says_to_write_http_without_retrying()
    {
        string manifest = _dir.Write("one.models.json", System.Text.Encoding.UTF8.GetBytes(SampleAsset.Manifest([_assets[0]])));
        string https = "https://" + _server.BaseUrl.Authority + "/";

        CliRunner.Result result = CliRunner.Run(["fetch", "-m", manifest, "--cache", _dir.File("cache-https"), "--source", https]);

        string output = result.StdErr + result.StdOut;
        Assert.True(result.ExitCode == 1, output);
        Assert.Contains("the TLS handshake failed", output, StringComparison.Ordinal);
        Assert.Contains("write http:// instead of https://", output, StringComparison.Ordinal);
        Assert.DoesNotContain("certificate authority", output, StringComparison.Ordinal);
        Assert.DoesNotContain("attempts", output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
        Assert.Equal(0, _server.RequestCount);
    }

    [Fact]
    public void Max_concurrent_assets_below_one_is_one_clean_usage_error()
    {
        CliRunner.Result result = Fetch("--max-concurrent-assets", "0");
        CliRunner.AssertOneCleanErrorLine(result, "MM2002");
        Assert.Contains("--max-concurrent-assets 0", result.StdErr, StringComparison.Ordinal);
        Assert.Equal(0, _server.RequestCount);
    }
}
