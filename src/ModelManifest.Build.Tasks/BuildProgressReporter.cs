using System.Diagnostics;
using System.Globalization;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
using ModelManifest.Assets;

namespace ModelManifest.Build.Tasks;

/// <summary>Logs download progress at normal verbosity about every two seconds per asset: percent, MB, MB/s.</summary>
internal sealed class BuildProgressReporter(TaskLoggingHelper log) : IProgress<AssetProgress>
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);
    private readonly Dictionary<AssetKey, (Stopwatch Clock, TimeSpan LastReport, long StartBytes)> _state = new();

    public void Report(AssetProgress value)
    {
        string? line = null;
        lock (_state)
        {
            if (!_state.TryGetValue(value.Asset, out var state))
            {
                _state[value.Asset] = (Stopwatch.StartNew(), TimeSpan.Zero, value.BytesDone);
                return;
            }

            TimeSpan now = state.Clock.Elapsed;
            if (now - state.LastReport < Interval || value.BytesDone >= value.TotalBytes)
            {
                return;
            }

            _state[value.Asset] = (state.Clock, now, state.StartBytes);
            double rate = (value.BytesDone - state.StartBytes) / 1048576.0 / Math.Max(0.001, now.TotalSeconds);
            line = string.Format(CultureInfo.InvariantCulture, "Model asset {0}: {1:0}% ({2:0} of {3:0} MB, {4:0.0} MB/s) from {5}",
                value.Asset, value.Fraction * 100, value.BytesDone / 1048576.0, value.TotalBytes / 1048576.0, rate, value.SourceName);
        }

        log.LogMessage(MessageImportance.Normal, line);
    }
}
