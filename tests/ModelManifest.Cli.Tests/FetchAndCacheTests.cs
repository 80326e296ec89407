using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace ModelManifest.Cli.Tests;

/// <summary>
/// <c>fetch</c> and <c>cache</c> run as a process against real folder sources and a private cache: priority and
/// fallback, offline use of the cache, listing, verification of a corrupted blob, pruning and removal.
/// </summary>
public sealed class FetchAndCacheTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly string _cache;
    private readonly string _manifest;
    private readonly string _mirror;
    private readonly string _team;

    public FetchAndCacheTests()
    {
        _cache = _dir.File("cache");
        _mirror = Directory.CreateDirectory(_dir.File("mirror")).FullName;   // has only the safetensors file
        _team = Directory.CreateDirectory(_dir.File("team")).FullName;       // has both
        string weights = _dir.Write("weights.safetensors", Samples.Safetensors());
        string llm = _dir.Write("llm.gguf", Samples.Gguf());
        File.Copy(weights, Path.Combine(_mirror, "weights.safetensors"));
        File.Copy(weights, Path.Combine(_team, "weights.safetensors"));
        File.Copy(llm, Path.Combine(_team, "llm.gguf"));
        _manifest = _dir.File("demo.models.json");
        Assert.Equal(0, CliRunner.Run("extract", weights, "--id", "weather", "--into", _manifest).ExitCode);
        Assert.Equal(0, CliRunner.Run("extract", llm, "--id", "llm", "--into", _manifest).ExitCode);
    }

    public void Dispose() => _dir.Dispose();

    private static JsonElement Json(CliRunner.Result result)
    {
        Assert.True(result.ExitCode == 0, result.StdErr + result.StdOut);
        return JsonDocument.Parse(result.StdOut).RootElement;
    }

    private JsonElement Fetch(params string[] extra) =>
        Json(CliRunner.Run(["fetch", "-m", _manifest, "--cache", _cache, "--json", .. extra])).GetProperty("assets");

    [Fact]
    public void Fetch_asks_sources_in_order_and_says_which_served_each_asset()
    {
        JsonElement result = Fetch("--source", _mirror, "--source", _team);
        var served = result.EnumerateArray().ToDictionary(e => e.GetProperty("asset").GetString()!, e => e.GetProperty("source").GetString());
        Assert.Equal("directory:" + _mirror, served["weather"]);
        Assert.Equal("directory:" + _team, served["llm"]);
        foreach (JsonElement e in result.EnumerateArray())
        {
            Assert.Equal(e.GetProperty("size").GetInt64(), new FileInfo(e.GetProperty("path").GetString()!).Length);
        }

        // Everything is cached now: offline, with no source at all, it still succeeds.
        JsonElement again = Fetch("--offline");
        Assert.All(again.EnumerateArray(), e => Assert.Equal("cache", e.GetProperty("source").GetString()));
    }

    [Fact]
    public void A_missing_asset_fails_with_every_source_and_what_it_said()
    {
        var result = CliRunner.Run("fetch", "llm", "-m", _manifest, "--cache", _cache, "--source", _mirror);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("error MM1001: llm:", result.StdErr, StringComparison.Ordinal);
        Assert.Contains("directory:" + _mirror, result.StdErr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_model_is_one_clean_usage_error()
    {
        var result = CliRunner.Run("fetch", "nope", "-m", _manifest, "--cache", _cache);
        Assert.Equal(2, result.ExitCode);
        CliRunner.AssertOneCleanErrorLine(result, "MM2502");
    }

    [Theory]
    [InlineData("ftp://mirror.example/models")]
    [InlineData("htp://mirror.example/models")]
    public void A_source_of_an_unsupported_scheme_is_one_clean_usage_error_not_an_empty_folder(string source)
    {
        var result = CliRunner.Run("fetch", "-m", _manifest, "--cache", _cache, "--source", source);
        Assert.Equal(2, result.ExitCode);
        CliRunner.AssertOneCleanErrorLine(result, "MM1015");
        Assert.Contains(source, result.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public void Cache_lists_verifies_detects_a_flipped_byte_and_the_next_fetch_repairs_it()
    {
        Fetch("--source", _team);
        JsonElement listing = Json(CliRunner.Run("cache", "ls", "--cache", _cache, "--json"));
        var entries = listing.GetProperty("entries").EnumerateArray().ToList();
        Assert.Equal(2, entries.Count);
        Assert.Equal(entries.Sum(e => e.GetProperty("size").GetInt64()), listing.GetProperty("totalBytes").GetInt64());

        Assert.Equal(0, CliRunner.Run("cache", "verify", "--cache", _cache).ExitCode);

        string blob = entries[0].GetProperty("path").GetString()!;
        string sha = entries[0].GetProperty("sha256").GetString()!;
        File.SetAttributes(blob, FileAttributes.Normal); // blobs are read-only; corrupt one on purpose
        byte[] bytes = File.ReadAllBytes(blob);
        bytes[^1] ^= 0xFF;
        File.WriteAllBytes(blob, bytes);

        var verify = CliRunner.Run("cache", "verify", sha, "--cache", _cache);
        Assert.Equal(1, verify.ExitCode);
        Assert.Contains("corrupt  " + sha, verify.StdOut, StringComparison.Ordinal);
        Assert.Contains("error MM2503: " + sha, verify.StdErr, StringComparison.Ordinal);

        JsonElement repaired = Fetch("--source", _team);
        Assert.Contains(repaired.EnumerateArray(), e => e.GetProperty("sha256").GetString() == sha && e.GetProperty("source").GetString() == "directory:" + _team);
        Assert.Equal(0, CliRunner.Run("cache", "verify", "--cache", _cache).ExitCode);
    }

    [Fact]
    public void Cache_rm_and_prune_remove_blobs()
    {
        Fetch("--source", _team);
        var entries = Json(CliRunner.Run("cache", "ls", "--cache", _cache, "--json")).GetProperty("entries").EnumerateArray().ToList();
        string sha = entries[0].GetProperty("sha256").GetString()!;
        Assert.Equal(0, CliRunner.Run("cache", "rm", sha, "--cache", _cache).ExitCode);
        Assert.Equal(1, CliRunner.Run("cache", "rm", sha, "--cache", _cache).ExitCode); // already gone
        Assert.Single(Json(CliRunner.Run("cache", "ls", "--cache", _cache, "--json")).GetProperty("entries").EnumerateArray());

        JsonElement pruned = Json(CliRunner.Run("cache", "prune", "--max-size", "0", "--cache", _cache, "--json"));
        Assert.Equal(1, pruned.GetProperty("removed").GetInt32());
        Assert.Empty(Json(CliRunner.Run("cache", "ls", "--cache", _cache, "--json")).GetProperty("entries").EnumerateArray());
        Assert.Equal(2, CliRunner.Run("cache", "prune", "--cache", _cache).ExitCode); // nothing to prune by: usage error
    }

    [Theory]
    [InlineData("--older-than", "-1")]
    [InlineData("--older-than", "99999999999")]
    [InlineData("--older-than", "NaN")]
    [InlineData("--max-size", "1e400")]
    [InlineData("--max-size", "-5M")]
    [InlineData("--max-size", "99999999T")]
    public void Prune_arguments_out_of_range_are_one_clean_error_and_remove_nothing(string option, string value)
    {
        Fetch("--source", _team);

        var result = CliRunner.Run("cache", "prune", option, value, "--cache", _cache);

        Assert.Equal(2, result.ExitCode);
        CliRunner.AssertOneCleanErrorLine(result, "MM2002");
        Assert.Equal(2, Json(CliRunner.Run("cache", "ls", "--cache", _cache, "--json")).GetProperty("entries").GetArrayLength());
    }

    [Theory]
    [InlineData("http://[::1/")]
    [InlineData("http://127.0.0.1:9/models?sig=SECRET")]
    [InlineData("http://user:SECRET@127.0.0.1:9/models")]
    public void A_source_URL_the_engine_cannot_use_is_one_clean_error_that_says_what_is_allowed(string source)
    {
        var result = CliRunner.Run("fetch", "-m", _manifest, "--cache", _cache, "-s", source);

        Assert.Equal(2, result.ExitCode);
        CliRunner.AssertOneCleanErrorLine(result, "MM2002");
        Assert.Contains("http(s)://host[:port]/path/", result.StdErr, StringComparison.Ordinal);
        Assert.DoesNotContain("SECRET", result.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public void MODELMANIFEST_OFFLINE_keeps_fetch_off_the_network()
    {
        using var server = new TcpListener(IPAddress.Loopback, 0);
        server.Start();
        int connections = 0;
        _ = Task.Run(async () =>
        {
            while (true)
            {
                using var client = await server.AcceptTcpClientAsync();
                Interlocked.Increment(ref connections);
            }
        });

        var result = CliRunner.RunWithEnvironment(new Dictionary<string, string> { ["MODELMANIFEST_OFFLINE"] = "1" },
            "fetch", "-m", _manifest, "--cache", _cache, "-s", $"http://127.0.0.1:{((IPEndPoint)server.LocalEndpoint).Port}/");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("error MM1002:", result.StdErr, StringComparison.Ordinal);
        Assert.Equal(0, Volatile.Read(ref connections));
    }

    [Fact]
    public void Cache_ls_shows_incomplete_downloads_and_rm_removes_them_with_their_digest()
    {
        string sha = new string('a', 64);
        string folder = Directory.CreateDirectory(Path.Combine(_cache, "blobs", "sha256", "aa")).FullName;
        File.WriteAllBytes(Path.Combine(folder, sha + ".partial"), new byte[5000]);

        JsonElement listing = Json(CliRunner.Run("cache", "ls", "--cache", _cache, "--json"));
        Assert.Equal(5000, listing.GetProperty("incompleteBytes").GetInt64());
        Assert.Contains("1 incomplete download(s)", CliRunner.Run("cache", "ls", "--cache", _cache).StdOut, StringComparison.Ordinal);

        var rm = CliRunner.Run("cache", "rm", sha, "--cache", _cache);
        Assert.Equal(0, rm.ExitCode);
        Assert.Contains("removed " + sha, rm.StdOut, StringComparison.Ordinal);
        Assert.Equal(0, Json(CliRunner.Run("cache", "ls", "--cache", _cache, "--json")).GetProperty("incompleteBytes").GetInt64());
    }
}
