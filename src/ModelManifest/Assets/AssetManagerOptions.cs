using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ModelManifest.Assets;

/// <summary>Settings of an <see cref="AssetManager"/>.</summary>
public sealed class AssetManagerOptions
{
    /// <summary>The environment variable that turns offline mode on (<c>1</c> or <c>true</c>).</summary>
    public const string OfflineEnvironmentVariable = "MODELMANIFEST_OFFLINE";

    /// <summary>
    /// Hard offline switch: sources whose <see cref="IAssetSource.RequiresNetwork"/> is true are never asked, so no
    /// socket is opened; an asset that is neither cached nor local fails at once with <see cref="AssetDiagnosticIds.OfflineNotAvailable"/>.
    /// Defaults to the <c>MODELMANIFEST_OFFLINE</c> environment variable, or the Hugging Face ecosystem's <c>HF_HUB_OFFLINE</c>.
    /// </summary>
    public bool Offline { get; set; } = IsOfflineByEnvironment();

    /// <summary>How many consecutive failed attempts without progress a source gets before the next source is tried.</summary>
    public int MaxResumeAttempts { get; set; } = 5;

    /// <summary>The first back-off delay before resuming a source; doubles with each consecutive failure.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// How long to wait for another process that holds the digest's lock while its partial download does not grow.
    /// After that this process downloads on its own (correctness never depends on the lock).
    /// </summary>
    public TimeSpan LockStallTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Whether a downloaded blob is flushed to disk (fsync) before it is renamed into place, so a power loss cannot leave
    /// a published blob with missing data. On by default; turning it off trades that for speed on slow disks.
    /// </summary>
    public bool DurableWrites { get; set; } = true;

    /// <summary>How large assets are split over several connections (sources that serve byte ranges only).</summary>
    public TransferOptions Transfer { get; set; } = new();

    /// <summary>
    /// Receives the engine's messages (which source served an asset, failed attempts, resumes; never a credential).
    /// Defaults to <see cref="NullLogger.Instance"/>; the DI companion passes an <c>ILogger&lt;AssetManager&gt;</c>.
    /// </summary>
    public ILogger Logger { get; set; } = NullLogger.Instance;

    /// <summary>
    /// Where the asset engine's metrics are created: the host's <see cref="IMeterFactory"/> (the DI companion passes
    /// it, so metrics are scoped to the container), or <see langword="null"/> for the process-wide
    /// <c>ModelManifest.Assets</c> meter. Names are in docs/telemetry.md.
    /// </summary>
    public IMeterFactory? MeterFactory { get; set; }

    /// <summary>
    /// The one place the offline environment variables are read: <c>MODELMANIFEST_OFFLINE</c> (1 or true) and
    /// <c>HF_HUB_OFFLINE</c> (1, true, yes or on, as <c>huggingface_hub</c> reads it). The build's targets read the same two.
    /// </summary>
    internal static bool IsOfflineByEnvironment() =>
        Environment.GetEnvironmentVariable(OfflineEnvironmentVariable) is "1" or "true" or "TRUE" or "True" || HuggingFaceEnvironment.IsOffline;

    /// <summary>The engine's one-line messages, written to <see cref="Logger"/> at information level.</summary>
    internal Action<string> Log => message => Logger.LogInformation("{Message}", message);
}
