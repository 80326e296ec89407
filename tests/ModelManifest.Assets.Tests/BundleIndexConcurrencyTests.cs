using ModelManifest.Assets.Tests.Infrastructure;

namespace ModelManifest.Assets.Tests;

/// <summary>Two builds (or a build and a running app) write and read the same bundle index at once.</summary>
public sealed class BundleIndexConcurrencyTests
{
    [Fact]
    public async Task Many_concurrent_saves_of_the_index_never_fail_and_never_leave_a_torn_file_or_a_temporary()
    {
        using var dir = new TempDir();
        string path = Path.Combine(dir.Path, BundleIndex.FileName);
        var indexes = Enumerable.Range(0, 8).Select(Index).ToList();
        indexes[0].Save(path);

        using var stop = new CancellationTokenSource();
        var reader = Task.Run(() =>
        {
            int loads = 0;
            while (!stop.IsCancellationRequested || loads == 0)
            {
                // Every load sees one whole index, never a half-written one.
                Assert.Contains(BundleIndex.Load(path).Assets.Count, indexes.Select(i => i.Assets.Count));
                loads++;
            }
        });
        // Dedicated threads released together, so the saves really overlap even on a two-core machine.
        using var start = new Barrier(8);
        var writers = Enumerable.Range(0, 8).Select(w => Task.Factory.StartNew(() =>
        {
            start.SignalAndWait();
            for (int i = 0; i < 200; i++)
            {
                indexes[(w + i) % indexes.Count].Save(path);
            }
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)).ToList();

        await Task.WhenAll(writers);
        await stop.CancelAsync();
        await reader;

        Assert.Equal([BundleIndex.FileName], dir.Files());
        Assert.Contains(BundleIndex.Load(path).Assets.Count, indexes.Select(i => i.Assets.Count));
    }

    private static BundleIndex Index(int entries) => new()
    {
        Assets = Enumerable.Range(0, entries * 50).Select(i => new BundleIndexEntry
        {
            Id = "asset-" + i,
            Sha256 = new string((char)('a' + (i % 6)), 64),
            Size = i,
            Path = "models/asset-" + i + ".bin",
        }).ToList(),
    };
}
