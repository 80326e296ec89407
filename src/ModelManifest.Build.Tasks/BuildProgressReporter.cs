using System.Globalization;
using Microsoft.Build.Framework;
using ModelManifest.Assets;

namespace ModelManifest.Build.Tasks;

/// <summary>
/// What a user sees while assets arrive, at the default verbosity (high-importance messages show under the terminal
/// logger and in a redirected log alike): one line when an asset starts, one when it is in place (with size, time and
/// rate), and for long transfers one progress line per asset every <see cref="Interval"/> — never a flood.
/// </summary>
internal sealed class BuildProgressReporter(BuildLog log, TimeProvider time) : IProgress<AssetProgress>
{
    /// <summary>The least time between two progress lines of one asset.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    private readonly Dictionary<AssetKey, Transfer> _transfers = new();

    /// <summary>Logs the start line and starts the asset's clock.</summary>
    public void Started(PlannedAsset planned)
    {
        lock (_transfers)
        {
            _transfers[planned.Asset.Key] = new Transfer(time.GetTimestamp());
        }

        log.Message(MessageImportance.High, $"Model asset {planned.Asset.Key} ({planned.Asset.FileName}, {Megabytes(planned.Asset.Size)}): resolving");
    }

    /// <inheritdoc/>
    public void Report(AssetProgress value)
    {
        string? line = null;
        lock (_transfers)
        {
            if (!_transfers.TryGetValue(value.Asset, out Transfer? transfer))
            {
                transfer = _transfers[value.Asset] = new Transfer(time.GetTimestamp());
            }

            transfer.StartBytes ??= value.BytesDone;
            transfer.BytesDone = value.BytesDone;
            TimeSpan elapsed = time.GetElapsedTime(transfer.Started);
            if (elapsed - transfer.LastReport >= Interval && value.BytesDone < value.TotalBytes)
            {
                transfer.LastReport = elapsed;
                line = string.Format(CultureInfo.InvariantCulture, "Model asset {0}: {1:0}% ({2} of {3}, {4}) from {5}",
                    value.Asset, value.Fraction * 100, Megabytes(value.BytesDone), Megabytes(value.TotalBytes), Rate(transfer.Transferred, elapsed), value.SourceName);
            }
        }

        if (line is not null)
        {
            log.Message(MessageImportance.High, line);
        }
    }

    /// <summary>How long the asset took and, when bytes moved, at what rate: ", 1.2 s, 34.5 MB/s".</summary>
    public string Finished(AssetKey asset)
    {
        lock (_transfers)
        {
            if (!_transfers.Remove(asset, out Transfer? transfer))
            {
                return string.Empty;
            }

            TimeSpan elapsed = time.GetElapsedTime(transfer.Started);
            string seconds = elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + " s";
            return transfer.Transferred > 0 ? $", {seconds}, {Rate(transfer.Transferred, elapsed)}" : $", {seconds}";
        }
    }

    /// <summary>"12.0 MB downloaded in 3.0 s, 4.0 MB/s": the total line of a run.</summary>
    internal static string Summary(long downloaded, TimeSpan elapsed) =>
        $"{Megabytes(downloaded)} downloaded in {elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s, {Rate(downloaded, elapsed)}";

    internal static string Megabytes(long bytes) => (bytes / 1048576.0).ToString(bytes < 10 * 1048576 ? "0.00" : "0", CultureInfo.InvariantCulture) + " MB";

    private static string Rate(long bytes, TimeSpan elapsed) =>
        (bytes / 1048576.0 / Math.Max(0.001, elapsed.TotalSeconds)).ToString("0.0", CultureInfo.InvariantCulture) + " MB/s";

    private sealed class Transfer(long started)
    {
        public long Started { get; } = started;

        public TimeSpan LastReport { get; set; }

        public long? StartBytes { get; set; }

        public long BytesDone { get; set; }

        public long Transferred => BytesDone - (StartBytes ?? BytesDone);
    }
}
