using ModelManifest.Assets.Tests.Infrastructure;
using Xunit.Abstractions;

namespace ModelManifest.Assets.Tests;

/// <summary>Real OS processes sharing one cache: the cases a daemon-less cache must survive.</summary>
public sealed class CrossProcessTests : IAsyncLifetime
{
    private readonly EngineFixture _engine = new();
    private readonly ITestOutputHelper _output;
    private LoopbackServer _server = null!;

    public CrossProcessTests(ITestOutputHelper output) => _output = output;

    public async Task InitializeAsync() => _server = await LoopbackServer.StartAsync();

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _engine.Dispose();
    }

    [Fact]
    public async Task Eight_processes_on_an_empty_cache_get_the_same_256_MB_asset_and_the_server_sends_it_about_once()
    {
        const long size = 256L << 20;
        var file = Path.Combine(_engine.Dir.Sub("served"), "big.bin");
        var sha = TestFiles.WriteLarge(file, size, 90);
        var asset = new AssetInfo { Id = "big", FileName = "big.bin", Size = size, Sha256 = sha };
        _server.Add("big.bin", new ServedFile(() => File.OpenRead(file), size));

        var clients = Enumerable.Range(0, 8).Select(_ => ClientProcess.Start(_engine.Cache.Root, _server.BaseUrl, asset)).ToList();
        try
        {
            var exits = await Task.WhenAll(clients.Select(c => c.WaitAsync()));
            await _server.WaitIdleAsync();
            _output.WriteLine($"server sent {_server.BytesSent} bytes in {_server.RequestCount} requests for a {size}-byte asset");

            Assert.All(exits.Zip(clients), pair => Assert.True(pair.First == 0, pair.Second.Output + pair.Second.Error));
            var paths = clients.Select(c => c.Output.Split('\n').Single(l => l.StartsWith("OK ", StringComparison.Ordinal)).Split(' ')[1]).Distinct().ToList();
            Assert.Equal([_engine.Cache.GetBlobPath(sha)], paths);
            Assert.True(_server.BytesSent <= size + size / 4, $"server sent {_server.BytesSent} bytes for a {size}-byte asset");
            Assert.Equal(CacheBlobState.Intact, await _engine.Cache.VerifyAsync(sha));
            Assert.Equal([$"blobs/sha256/{sha[..2]}/{sha}", $"blobs/sha256/{sha[..2]}/{sha}.stamp"], _engine.CacheFiles());
        }
        finally
        {
            clients.ForEach(c => c.Dispose());
        }
    }

    [Fact]
    public async Task A_process_killed_mid_download_leaves_no_file_at_the_final_path_and_the_next_run_resumes()
    {
        const long size = 48L << 20;
        var file = Path.Combine(_engine.Dir.Sub("served"), "ckpt.bin");
        var sha = TestFiles.WriteLarge(file, size, 91);
        var asset = new AssetInfo { Id = "ckpt", FileName = "ckpt.bin", Size = size, Sha256 = sha };
        var served = new ServedFile(() => File.OpenRead(file), size) { ChunkDelay = TimeSpan.FromMilliseconds(40) };
        _server.Add("ckpt.bin", served);
        var blob = _engine.Cache.GetBlobPath(sha);

        using (var victim = ClientProcess.Start(_engine.Cache.Root, _server.BaseUrl, asset))
        {
            await ResumeTests.WaitUntil(() => _server.BytesSent >= 16L << 20 || victim.Process.HasExited);
            Assert.False(victim.Process.HasExited, victim.Output + victim.Error);
            Assert.False(File.Exists(blob));
            victim.Process.Kill(); // SIGKILL: no finally blocks, no cleanup, the OS drops its lock
            await victim.Process.WaitForExitAsync();
        }

        Assert.False(File.Exists(blob));
        Assert.True(_engine.Cache.InProgressBytes(sha) > 0, "the killed download left no bytes to resume");
        await _server.WaitIdleAsync();
        var firstRun = _server.BytesSent;
        served.ChunkDelay = TimeSpan.Zero;

        using var next = ClientProcess.Start(_engine.Cache.Root, _server.BaseUrl, asset);
        Assert.Equal(0, await next.WaitAsync());
        await _server.WaitIdleAsync();

        Assert.Contains("OK " + blob, next.Output);
        Assert.DoesNotContain("another process", next.Error); // the dead holder's lock was not stale
        var resumed = _server.Requests.Last();
        Assert.StartsWith("bytes=", resumed.Range);
        Assert.True(resumed.BytesSent < size, $"second run fetched {resumed.BytesSent} of {size} bytes");
        Assert.True(firstRun + resumed.BytesSent >= size);
        Assert.Equal(CacheBlobState.Intact, await _engine.Cache.VerifyAsync(sha));
        Assert.Equal([$"blobs/sha256/{sha[..2]}/{sha}", $"blobs/sha256/{sha[..2]}/{sha}.stamp"], _engine.CacheFiles());
    }

    [Fact]
    public async Task Where_locks_silently_do_nothing_eight_processes_still_all_get_a_verified_blob()
    {
        const long size = 32L << 20;
        var file = Path.Combine(_engine.Dir.Sub("served"), "nfs.bin");
        var sha = TestFiles.WriteLarge(file, size, 92);
        var asset = new AssetInfo { Id = "nfs", FileName = "nfs.bin", Size = size, Sha256 = sha };
        _server.Add("nfs.bin", new ServedFile(() => File.OpenRead(file), size));

        var clients = Enumerable.Range(0, 8).Select(_ => ClientProcess.Start(_engine.Cache.Root, _server.BaseUrl, asset, disableFileLocks: true)).ToList();
        try
        {
            var exits = await Task.WhenAll(clients.Select(c => c.WaitAsync()));
            await _server.WaitIdleAsync();
            _output.WriteLine($"without locks the server sent {_server.BytesSent} bytes in {_server.RequestCount} requests for a {size}-byte asset");

            Assert.All(exits.Zip(clients), pair => Assert.True(pair.First == 0, pair.Second.Output + pair.Second.Error));
            Assert.Equal(CacheBlobState.Intact, await _engine.Cache.VerifyAsync(sha));
            Assert.Equal([$"blobs/sha256/{sha[..2]}/{sha}", $"blobs/sha256/{sha[..2]}/{sha}.stamp"], _engine.CacheFiles());
        }
        finally
        {
            clients.ForEach(c => c.Dispose());
        }
    }
}
