using System.Globalization;
using ModelManifest.Assets.Tests.Infrastructure;

namespace ModelManifest.Assets.Tests;

/// <summary>Split downloads across real OS processes: what a SIGKILL leaves behind is resumed part by part.</summary>
public sealed class SplitCrossProcessTests : LoopbackTestBase
{
    private const long Part = 4L << 20;
    private static readonly Dictionary<string, string> s_smallParts = new() { ["MM_TEST_PART_SIZE"] = Part.ToString(CultureInfo.InvariantCulture) };

    [Fact]
    public async Task A_process_killed_during_a_split_download_leaves_finished_parts_that_the_next_process_does_not_fetch_again()
    {
        var (asset, served) = ServeLargeFile("split.bin", 96L << 20, 401);
        served.ChunkDelay = TimeSpan.FromMilliseconds(100);
        var blob = Engine.Cache.GetBlobPath(asset.Sha256);
        var partsPath = Engine.Cache.Protocol.PartsPath(asset.Sha256);

        using (var victim = ClientProcess.Start(Engine.Cache.Root, Server.BaseUrl, asset, environment: s_smallParts))
        {
            await ResumeTests.WaitUntil(() => (PartState.TryRead(partsPath)?.DoneBytes ?? 0) >= 4 * Part || victim.Process.HasExited);
            Assert.False(victim.Process.HasExited, victim.Output + victim.Error);
            victim.Process.Kill(); // SIGKILL: the parts in flight are lost, the finished ones are on disk
            await victim.Process.WaitForExitAsync();
        }

        Assert.False(File.Exists(blob));
        var left = PartState.TryRead(partsPath);
        Assert.NotNull(left);
        Assert.True(left.DoneBytes >= 4 * Part, $"{left.DoneBytes} bytes in finished parts");
        await Server.WaitIdleAsync();
        var firstRun = Server.BytesSent;
        served.ChunkDelay = TimeSpan.Zero;

        using var next = ClientProcess.Start(Engine.Cache.Root, Server.BaseUrl, asset, environment: s_smallParts);
        Assert.True(await next.WaitAsync() == 0, next.Output + next.Error);
        await Server.WaitIdleAsync();

        Assert.Contains("OK " + blob, next.Output);
        Assert.Contains("resuming", next.Error);
        var secondRun = Server.BytesSent - firstRun;
        Assert.True(secondRun <= asset.Size - left.DoneBytes, $"the second process fetched {secondRun} bytes; {left.DoneBytes} of {asset.Size} were already on disk");
        Assert.Equal(CacheBlobState.Intact, await Engine.Cache.VerifyAsync(asset.Sha256));
        Assert.Equal([$"blobs/sha256/{asset.Sha256[..2]}/{asset.Sha256}", $"blobs/sha256/{asset.Sha256[..2]}/{asset.Sha256}.stamp"], Engine.CacheFiles());
    }

    [Fact]
    public async Task Eight_processes_splitting_one_asset_still_fetch_it_about_once()
    {
        var (asset, _) = ServeLargeFile("shared.bin", 64L << 20, 402);

        var clients = Enumerable.Range(0, 8).Select(_ => ClientProcess.Start(Engine.Cache.Root, Server.BaseUrl, asset, environment: s_smallParts)).ToList();
        try
        {
            var exits = await Task.WhenAll(clients.Select(c => c.WaitAsync()));
            await Server.WaitIdleAsync();
            Assert.All(exits.Zip(clients), pair => Assert.True(pair.First == 0, pair.Second.Output + pair.Second.Error));
        }
        finally
        {
            clients.ForEach(c => c.Dispose());
        }

        Assert.True(Server.BytesSent <= asset.Size + asset.Size / 4, $"server sent {Server.BytesSent} bytes for a {asset.Size}-byte asset");
        Assert.True(Server.Requests.Count(r => r.Range.Length > 0) >= 16, "the asset was not fetched in parts");
        Assert.Equal(CacheBlobState.Intact, await Engine.Cache.VerifyAsync(asset.Sha256));
    }
}
