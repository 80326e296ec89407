using ModelManifest.Assets.Tests.Infrastructure;

namespace ModelManifest.Assets.Tests;

public sealed class CacheTests : LoopbackTestBase
{
    [Fact]
    public async Task A_stored_blob_is_content_addressed_read_only_and_the_cache_is_tagged()
    {
        var (content, asset, served) = ServeOverHttp(10_000, 30);

        var result = await Engine.Manager.GetAsync(asset);

        Assert.Equal(Path.Combine(Engine.Cache.Root, "blobs", "sha256", asset.Sha256[..2], asset.Sha256), result.CachePath);
        Assert.StartsWith("Signature: 8a477f597d28d172789f06886806bc55", File.ReadAllText(Path.Combine(Engine.Cache.Root, "CACHEDIR.TAG")));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead, File.GetUnixFileMode(result.CachePath));
        Assert.Equal([$"blobs/sha256/{asset.Sha256[..2]}/{asset.Sha256}", $"blobs/sha256/{asset.Sha256[..2]}/{asset.Sha256}.stamp"], Engine.CacheFiles());
    }

    [Fact]
    public async Task Two_assets_with_the_same_bytes_are_stored_once()
    {
        var content = TestContent.Bytes(10_000, 31);
        Server.Add("a.bin", content);
        Engine.Manager.AddSource(Engine.Http(Server.BaseUrl));

        var first = await Engine.Manager.GetAsync(TestFiles.Asset(content, "model-a", "a.bin"));
        var second = await Engine.Manager.GetAsync(TestFiles.Asset(content, "model-b", "b.bin"));

        Assert.Equal(first.CachePath, second.CachePath);
        Assert.True(second.FromCache);
        Assert.Single(Engine.Cache.List());
        Assert.Equal(1, Server.RequestCount);
    }

    [Fact]
    public async Task The_fast_check_answers_without_the_network_and_a_second_request_is_served_from_cache()
    {
        var (content, asset, served) = ServeOverHttp(10_000, 32);
        Assert.False(Engine.Manager.IsCached(asset));

        await Engine.Manager.GetAsync(asset);
        var again = await Engine.Manager.GetAsync(asset);

        Assert.True(Engine.Manager.IsCached(asset));
        Assert.True(again.FromCache);
        Assert.Equal(1, Server.RequestCount);
    }

    [Fact]
    public async Task A_flipped_byte_is_detected_by_Verify_and_the_next_request_fetches_again()
    {
        var (content, asset, served) = ServeOverHttp(100_000, 33);
        var path = (await Engine.Manager.GetAsync(asset)).CachePath;
        Assert.Equal(CacheBlobState.Intact, await Engine.Cache.VerifyAsync(asset.Sha256));

        FlipByteKeepingTimestamp(path, 5000);

        Assert.Equal(CacheBlobState.Corrupt, await Engine.Cache.VerifyAsync(asset.Sha256));
        Assert.False(File.Exists(path));
        var again = await Engine.Manager.GetAsync(asset);
        Assert.False(again.FromCache);
        Assert.Equal(content, File.ReadAllBytes(again.CachePath));
        Assert.Equal(2, Server.RequestCount);
    }

    [Fact]
    public async Task An_in_place_write_moves_the_timestamp_so_the_fast_check_rehashes_and_refetches()
    {
        var (content, asset, served) = ServeOverHttp(100_000, 34);
        var path = (await Engine.Manager.GetAsync(asset)).CachePath;

        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        using (var file = new FileStream(path, FileMode.Open, FileAccess.Write))
        {
            file.Position = 10;
            file.WriteByte((byte)(content[10] ^ 0xff));
        }

        // Kernel timestamps tick coarsely (a few ms); a real edit comes later than this test's, so move the clock past one tick.
        File.SetLastWriteTimeUtc(path, File.GetLastWriteTimeUtc(path).AddSeconds(1));

        Assert.False(Engine.Manager.IsCached(asset));
        var again = await Engine.Manager.GetAsync(asset);
        Assert.Equal(content, File.ReadAllBytes(again.CachePath));
        Assert.Equal(2, Server.RequestCount);
        Assert.Contains(Engine.Log, line => line.Contains(AssetDiagnosticIds.CacheCorrupt, StringComparison.Ordinal));
    }

    [Fact]
    public async Task List_prune_and_remove_manage_entries_by_last_use_and_total_size()
    {
        var contents = Enumerable.Range(0, 3).Select(i => TestContent.Bytes(1000 * (i + 1), 40 + i)).ToArray();
        var assets = contents.Select((c, i) => TestFiles.Asset(c, "a" + i, $"a{i}.bin")).ToArray();
        var mirror = Engine.Dir.Sub("mirror");
        for (int i = 0; i < 3; i++)
        {
            File.WriteAllBytes(Path.Combine(mirror, assets[i].FileName), contents[i]);
        }

        Engine.Manager.AddSource(new DirectoryAssetSource(mirror));
        foreach (var asset in assets)
        {
            await Engine.Manager.GetAsync(asset);
        }

        Assert.Equal([1000L, 2000, 3000], Engine.Cache.List().OrderBy(e => e.Size).Select(e => e.Size));

        // a0 is used most recently; a1 least.
        var now = DateTime.UtcNow;
        SetLastUse(assets[1], now.AddDays(-10));
        SetLastUse(assets[2], now.AddDays(-5));
        SetLastUse(assets[0], now.AddDays(-1));

        var byAge = Engine.Cache.Prune(unusedSince: now.AddDays(-7));
        Assert.Equal(new PruneResult(1, 2000), byAge);
        var bySize = Engine.Cache.Prune(maxTotalBytes: 1500);
        Assert.Equal(new PruneResult(1, 3000), bySize);
        Assert.Equal([assets[0].Sha256], Engine.Cache.List().Select(e => e.Sha256));
        Assert.True(Engine.Cache.Remove(assets[0].Sha256));
        Assert.False(Engine.Cache.Remove(assets[0].Sha256));
        Assert.Empty(Engine.Cache.List());
    }

    [Fact]
    public void The_default_location_honours_MODELMANIFEST_CACHE_then_XDG_CACHE_HOME()
    {
        var saved = (Environment.GetEnvironmentVariable(AssetCache.EnvironmentVariable), Environment.GetEnvironmentVariable("XDG_CACHE_HOME"));
        try
        {
            Environment.SetEnvironmentVariable(AssetCache.EnvironmentVariable, "/tmp/explicit-cache");
            Environment.SetEnvironmentVariable("XDG_CACHE_HOME", "/tmp/xdg");
            Assert.Equal("/tmp/explicit-cache", AssetCache.DefaultRoot());
            Environment.SetEnvironmentVariable(AssetCache.EnvironmentVariable, null);
            Assert.Equal("/tmp/xdg/modelmanifest", AssetCache.DefaultRoot());
            Environment.SetEnvironmentVariable("XDG_CACHE_HOME", null);
            Assert.Equal(Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "modelmanifest"), AssetCache.DefaultRoot());
        }
        finally
        {
            Environment.SetEnvironmentVariable(AssetCache.EnvironmentVariable, saved.Item1);
            Environment.SetEnvironmentVariable("XDG_CACHE_HOME", saved.Item2);
        }
    }

    private void SetLastUse(AssetInfo asset, DateTime when) => File.SetLastWriteTimeUtc(Engine.Cache.GetBlobPath(asset.Sha256) + ".stamp", when);

    /// <summary>Simulates silent corruption (bit rot): the bytes change, the timestamp does not, so only a rehash can tell.</summary>
    internal static void FlipByteKeepingTimestamp(string path, long position)
    {
        var mode = File.GetUnixFileMode(path);
        var stamp = File.GetLastWriteTimeUtc(path);
        File.SetUnixFileMode(path, mode | UnixFileMode.UserWrite);
        using (var file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite))
        {
            file.Position = position;
            var b = file.ReadByte();
            file.Position = position;
            file.WriteByte((byte)(b ^ 0x01));
        }

        File.SetUnixFileMode(path, mode);
        File.SetLastWriteTimeUtc(path, stamp);
    }
}
