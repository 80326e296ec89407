using ModelManifest.Assets.Tests.Infrastructure;
using Xunit.Abstractions;

namespace ModelManifest.Assets.Tests;

/// <summary>Real OS processes sharing one cache: the cases a daemon-less cache must survive.</summary>
public sealed class CrossProcessTests : LoopbackTestBase
{
    private readonly ITestOutputHelper _output;

    public CrossProcessTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public async Task Eight_processes_on_an_empty_cache_get_the_same_256_MB_asset_and_the_server_sends_it_about_once()
    {
        var (asset, _) = ServeLargeFile("big.bin", 256L << 20, 90);

        var clients = await RunClientsAsync(8, asset, disableFileLocks: false);

        var paths = clients.Select(c => c.Output.Split('\n').Single(l => l.StartsWith("OK ", StringComparison.Ordinal)).Split(' ')[1]).Distinct().ToList();
        Assert.Equal([Engine.Cache.GetBlobPath(asset.Sha256)], paths);
        Assert.True(Server.BytesSent <= asset.Size + asset.Size / 4, $"server sent {Server.BytesSent} bytes for a {asset.Size}-byte asset");
        await AssertOnlyTheVerifiedBlobAsync(asset);
    }

    [Fact]
    public async Task Where_locks_silently_do_nothing_eight_processes_still_all_get_a_verified_blob()
    {
        var (asset, _) = ServeLargeFile("nfs.bin", 32L << 20, 92);

        await RunClientsAsync(8, asset, disableFileLocks: true);

        await AssertOnlyTheVerifiedBlobAsync(asset);
    }

    [Fact]
    public async Task A_process_killed_mid_download_leaves_no_file_at_the_final_path_and_the_next_run_resumes()
    {
        var (asset, served) = ServeLargeFile("ckpt.bin", 48L << 20, 91);
        served.ChunkDelay = TimeSpan.FromMilliseconds(40);
        var blob = Engine.Cache.GetBlobPath(asset.Sha256);

        using (var victim = ClientProcess.Start(Engine.Cache.Root, Server.BaseUrl, asset))
        {
            await ResumeTests.WaitUntil(() => Server.BytesSent >= 16L << 20 || victim.Process.HasExited);
            Assert.False(victim.Process.HasExited, victim.Output + victim.Error);
            Assert.False(File.Exists(blob));
            victim.Process.Kill(); // SIGKILL: no finally blocks, no cleanup, the OS drops its lock
            await victim.Process.WaitForExitAsync();
        }

        Assert.False(File.Exists(blob));
        Assert.True(Engine.Cache.InProgressBytes(asset.Sha256) > 0, "the killed download left no bytes to resume");
        await Server.WaitIdleAsync();
        var firstRun = Server.BytesSent;
        served.ChunkDelay = TimeSpan.Zero;

        var next = Assert.Single(await RunClientsAsync(1, asset, disableFileLocks: false));

        Assert.Contains("OK " + blob, next.Output);
        Assert.DoesNotContain("another process", next.Error); // the dead holder's lock was not stale
        var resumed = Server.Requests.Last();
        Assert.StartsWith("bytes=", resumed.Range);
        Assert.True(resumed.BytesSent < asset.Size, $"second run fetched {resumed.BytesSent} of {asset.Size} bytes");
        Assert.True(firstRun + resumed.BytesSent >= asset.Size);
        await AssertOnlyTheVerifiedBlobAsync(asset);
    }

    /// <summary>Starts <paramref name="count"/> client processes at once, waits for all, and requires every one to succeed.</summary>
    private async Task<List<ClientProcess>> RunClientsAsync(int count, AssetInfo asset, bool disableFileLocks)
    {
        var clients = Enumerable.Range(0, count).Select(_ => ClientProcess.Start(Engine.Cache.Root, Server.BaseUrl, asset, disableFileLocks)).ToList();
        try
        {
            var exits = await Task.WhenAll(clients.Select(c => c.WaitAsync()));
            await Server.WaitIdleAsync();
            _output.WriteLine($"{count} process(es), locks {(disableFileLocks ? "off" : "on")}: server sent {Server.BytesSent} bytes in {Server.RequestCount} requests for a {asset.Size}-byte asset");
            Assert.All(exits.Zip(clients), pair => Assert.True(pair.First == 0, pair.Second.Output + pair.Second.Error));
            return clients;
        }
        finally
        {
            clients.ForEach(c => c.Dispose());
        }
    }

    private async Task AssertOnlyTheVerifiedBlobAsync(AssetInfo asset)
    {
        var sha = asset.Sha256;
        Assert.Equal(CacheBlobState.Intact, await Engine.Cache.VerifyAsync(sha));
        Assert.Equal([$"blobs/sha256/{sha[..2]}/{sha}", $"blobs/sha256/{sha[..2]}/{sha}.stamp"], Engine.CacheFiles());
    }
}
