using Microsoft.Build.Framework;
using ModelManifest.Assets;

namespace ModelManifest.Build.Tasks.Tests;

/// <summary>Progress of a long transfer: a throttled high-importance line, never one per chunk.</summary>
public sealed class BuildProgressReporterTests
{
    [Fact]
    public void A_long_transfer_logs_one_progress_line_per_interval_and_a_rate_at_the_end()
    {
        var engine = new RecordingBuildEngine();
        var time = new ManualTime();
        var reporter = new BuildProgressReporter(new BuildLog(new Microsoft.Build.Utilities.TaskLoggingHelper(engine, "test")), time);
        var asset = new AssetInfo { Id = "big", FileName = "big.bin", Size = 100L * 1048576, Sha256 = new string('a', 64) };
        var planned = new PlannedAsset(asset, "models/big.bin", "m.models.json", 1, 1);

        reporter.Started(planned);
        long done = 0;
        for (int second = 0; second < 12; second++)
        {
            // Ten chunks a second, 0.8 MB each.
            for (int chunk = 0; chunk < 10; chunk++)
            {
                done += 838861;
                time.Advance(TimeSpan.FromMilliseconds(100));
                reporter.Report(new AssetProgress(asset.Key, "http:server", done, asset.Size));
            }
        }

        string finished = reporter.Finished(asset.Key);
        var lines = engine.HighImportanceMessages.ToList();
        Assert.Equal("Model asset big (big.bin, 100 MB): resolving", lines[0]);
        Assert.Equal(3, lines.Count); // the start line, then one at 5 s and one at 10 s of 12 s
        Assert.Equal("Model asset big: 40% (40 MB of 100 MB, 7.8 MB/s) from http:server", lines[1]);
        Assert.Equal("Model asset big: 80% (80 MB of 100 MB, 7.9 MB/s) from http:server", lines[2]);
        Assert.Equal(", 12.0 s, 7.9 MB/s", finished);
        Assert.All(engine.Messages, m => Assert.Equal(MessageImportance.High, m.Importance));
    }

    [Fact]
    public void A_cached_asset_finishes_with_its_time_and_no_rate()
    {
        var engine = new RecordingBuildEngine();
        var time = new ManualTime();
        var reporter = new BuildProgressReporter(new BuildLog(new Microsoft.Build.Utilities.TaskLoggingHelper(engine, "test")), time);
        var asset = new AssetInfo { Id = "small", FileName = "small.bin", Size = 1000, Sha256 = new string('b', 64) };
        reporter.Started(new PlannedAsset(asset, "models/small.bin", "m.models.json", 1, 1));
        time.Advance(TimeSpan.FromMilliseconds(300));
        Assert.Equal(", 0.3 s", reporter.Finished(asset.Key));
    }

    /// <summary>A clock the test moves by hand.</summary>
    private sealed class ManualTime : TimeProvider
    {
        private long _ticks;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => _ticks;

        public void Advance(TimeSpan by) => _ticks += by.Ticks;
    }
}
