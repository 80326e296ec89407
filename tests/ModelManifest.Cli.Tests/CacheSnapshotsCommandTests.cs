using System.Text.Json;

namespace ModelManifest.Cli.Tests;

/// <summary>
/// <c>cache ls</c> shows the cache's model folders (<c>snapshots/&lt;model-id&gt;/&lt;version&gt;</c>), and <c>cache rm</c> of a blob
/// takes its entries in those folders with it, so its bytes are really freed.
/// </summary>
public sealed class CacheSnapshotsCommandTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Cache_ls_lists_model_folders_and_cache_rm_removes_the_blobs_entries_from_them()
    {
        string cache = _dir.File("cache");
        string mirror = _dir.Sub("mirror");
        string weights = _dir.Write("weights.safetensors", Samples.Safetensors());
        File.Copy(weights, Path.Combine(mirror, "weights.safetensors"));
        string manifest = _dir.File("demo.models.json");
        Assert.Equal(0, CliRunner.Run("extract", weights, "--id", "weather", "--into", manifest).ExitCode);
        var fetched = Json(CliRunner.Run("fetch", "-m", manifest, "--cache", cache, "--source", mirror, "--json")).GetProperty("assets").EnumerateArray().Single();
        string blob = fetched.GetProperty("path").GetString()!;

        // The folder as the runtime lays it out: model id 'weather:small' (':' written '~'), version 1.0.0, a link to the blob.
        string folder = Directory.CreateDirectory(Path.Combine(cache, "snapshots", "weather~small", "1.0.0")).FullName;
        File.CreateSymbolicLink(Path.Combine(folder, "weights.safetensors"), blob);

        var listed = Json(CliRunner.Run("cache", "ls", "--cache", cache, "--json")).GetProperty("snapshots").EnumerateArray().Single();
        Assert.Equal("weather:small", listed.GetProperty("modelId").GetString());
        Assert.Equal("1.0.0", listed.GetProperty("version").GetString());
        Assert.Equal(folder, listed.GetProperty("path").GetString());
        Assert.Equal(["weights.safetensors"], listed.GetProperty("files").EnumerateArray().Select(f => f.GetString()));
        Assert.Equal(0, listed.GetProperty("brokenLinks").GetInt32());
        Assert.Contains("1 model folder(s) in", CliRunner.Run("cache", "ls", "--cache", cache).StdOut, StringComparison.Ordinal);

        Assert.Equal(0, CliRunner.Run("cache", "rm", Path.GetFileName(blob), "--cache", cache).ExitCode);

        Assert.Empty(Directory.GetFileSystemEntries(folder));
    }

    private static JsonElement Json(CliRunner.Result result)
    {
        Assert.True(result.ExitCode == 0, result.StdErr + result.StdOut);
        return JsonDocument.Parse(result.StdOut).RootElement;
    }
}
