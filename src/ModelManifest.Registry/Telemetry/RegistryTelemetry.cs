using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace ModelManifest.Registry.Telemetry;

/// <summary>
/// The registry's metrics and traces under the name <c>ModelManifest.Registry</c> (OpenTelemetry-compatible: listen
/// with <c>AddMeter("ModelManifest.Registry")</c> and <c>AddSource("ModelManifest.Registry")</c>).
/// </summary>
internal sealed class RegistryTelemetry : IDisposable
{
    public const string Name = "ModelManifest.Registry";

    public static readonly ActivitySource ActivitySource = new(Name);

    private readonly Meter _meter;

    public RegistryTelemetry(IMeterFactory meterFactory)
    {
        _meter = meterFactory.Create(Name);
        BlobBytesStored = _meter.CreateCounter<long>("modelmanifest.registry.blob.stored", "By", "Bytes of new blobs stored.");
        BlobsDeduplicated = _meter.CreateCounter<long>("modelmanifest.registry.blob.deduplicated", "{blob}", "Uploads answered from a blob already stored.");
        Publishes = _meter.CreateCounter<long>("modelmanifest.registry.publishes", "{version}", "Publish requests by outcome.");
        AliasMoves = _meter.CreateCounter<long>("modelmanifest.registry.alias.moves", "{move}", "Alias moves.");
        FailedAuthentications = _meter.CreateCounter<long>("modelmanifest.registry.auth.failures", "{attempt}", "Requests refused with 401 or 403.");
        Jobs = _meter.CreateCounter<long>("modelmanifest.registry.jobs", "{job}", "Register-by-URL jobs finished, by status.");
    }

    public Counter<long> BlobBytesStored { get; }

    public Counter<long> BlobsDeduplicated { get; }

    public Counter<long> Publishes { get; }

    public Counter<long> AliasMoves { get; }

    public Counter<long> FailedAuthentications { get; }

    public Counter<long> Jobs { get; }

    public void Dispose() => _meter.Dispose();
}
