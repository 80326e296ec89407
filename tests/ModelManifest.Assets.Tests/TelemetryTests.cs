using System.Diagnostics;
using System.Diagnostics.Metrics;
using ModelManifest.Assets.Tests.Infrastructure;

namespace ModelManifest.Assets.Tests;

/// <summary>
/// The engine's metrics and spans (names in docs/telemetry.md), observed as an OpenTelemetry SDK would: a
/// <see cref="MeterListener"/> on the manager's own meter and an <see cref="ActivityListener"/> on the source.
/// </summary>
public sealed class TelemetryTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly TestMeterFactory _meters = new();
    private readonly MeterListener _meterListener = new();
    private readonly ActivityListener _activityListener;
    private readonly List<(string Instrument, double Value, Dictionary<string, object?> Tags)> _measurements = new();
    private readonly List<Activity> _activities = new();

    public TelemetryTests()
    {
        _meterListener.InstrumentPublished = (instrument, listener) =>
        {
            if (_meters.Created.Contains(instrument.Meter))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _meterListener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        _meterListener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
        _meterListener.Start();

        _activityListener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "ModelManifest.Assets",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                lock (_activities)
                {
                    _activities.Add(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(_activityListener);
    }

    public void Dispose()
    {
        _meterListener.Dispose();
        _activityListener.Dispose();
        _meters.Dispose();
        _dir.Dispose();
    }

    [Fact]
    public async Task A_resolve_through_a_folder_source_counts_bytes_served_misses_and_hits_and_records_spans()
    {
        byte[] content = TestContent.Bytes(12_345, seed: 71);
        AssetInfo asset = TestFiles.Asset(content, id: "telemetry-" + Guid.NewGuid().ToString("N"), fileName: "t.bin");
        string mirror = _dir.Sub("mirror");
        File.WriteAllBytes(Path.Combine(mirror, "t.bin"), content);
        var manager = new AssetManager(new AssetCache(_dir.Sub("cache")), new AssetManagerOptions { MeterFactory = _meters });
        manager.AddSource(new DirectoryAssetSource(mirror, DirectoryLayout.FileName, name: "mirror"));

        AssetResult first = await manager.GetAsync(asset);
        AssetResult second = await manager.GetAsync(asset);

        Assert.Equal("mirror", first.SourceName);
        Assert.Null(second.SourceName);
        var bytes = Assert.Single(Measured("modelmanifest.assets.bytes"));
        Assert.Equal(12_345, bytes.Value);
        Assert.Equal("directory", bytes.Tags["modelmanifest.source.kind"]);
        var served = Assert.Single(Measured("modelmanifest.assets.served"));
        Assert.Equal("mirror", served.Tags["modelmanifest.source.name"]);
        Assert.Equal(1, Assert.Single(Measured("modelmanifest.assets.cache.misses")).Value);
        Assert.Equal(1, Assert.Single(Measured("modelmanifest.assets.cache.hits")).Value);
        var durations = Measured("modelmanifest.assets.resolve.duration");
        Assert.Equal(["served", "cached"], durations.Select(d => (string)d.Tags["modelmanifest.outcome"]!));
        Assert.All(durations, d => Assert.True(d.Value >= 0));

        var spans = Spans(asset);
        Assert.Equal(2, spans.Count);
        Assert.All(spans, s => Assert.Equal("modelmanifest.assets.resolve", s.OperationName));
        Assert.All(spans, s => Assert.Equal(asset.Sha256, s.GetTagItem("modelmanifest.asset.sha256")));
        Assert.Equal(["mirror", "cache"], spans.Select(s => (string)s.GetTagItem("modelmanifest.source.name")!));
        Assert.Equal(["served", "cached"], spans.Select(s => (string)s.GetTagItem("modelmanifest.outcome")!));
    }

    [Fact]
    public async Task A_failed_resolve_is_a_miss_with_an_error_span()
    {
        byte[] content = TestContent.Bytes(100, seed: 72);
        AssetInfo asset = TestFiles.Asset(content, id: "telemetry-" + Guid.NewGuid().ToString("N"), fileName: "absent.bin");
        var manager = new AssetManager(new AssetCache(_dir.Sub("cache")), new AssetManagerOptions { MeterFactory = _meters });
        manager.AddSource(new DirectoryAssetSource(_dir.Sub("empty"), DirectoryLayout.FileName, name: "empty"));

        var error = await Assert.ThrowsAsync<AssetException>(() => manager.GetAsync(asset));

        Assert.Equal(1, Assert.Single(Measured("modelmanifest.assets.cache.misses")).Value);
        Assert.Empty(Measured("modelmanifest.assets.bytes"));
        Assert.Equal("failed", Assert.Single(Measured("modelmanifest.assets.resolve.duration")).Tags["modelmanifest.outcome"]);
        var span = Assert.Single(Spans(asset));
        Assert.Equal(ActivityStatusCode.Error, span.Status);
        Assert.Equal(error.Code, span.StatusDescription);
        Assert.Equal("failed", span.GetTagItem("modelmanifest.outcome"));
    }

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var copy = new Dictionary<string, object?>();
        foreach (var tag in tags)
        {
            copy[tag.Key] = tag.Value;
        }

        lock (_measurements)
        {
            _measurements.Add((instrument.Name, value, copy));
        }
    }

    private List<(string Instrument, double Value, Dictionary<string, object?> Tags)> Measured(string instrument)
    {
        lock (_measurements)
        {
            return _measurements.Where(m => m.Instrument == instrument).ToList();
        }
    }

    /// <summary>Spans are process-wide: keep this test's own (other tests resolve assets in parallel).</summary>
    private List<Activity> Spans(AssetInfo asset)
    {
        lock (_activities)
        {
            return _activities.Where(a => Equals(a.GetTagItem("modelmanifest.asset.id"), asset.Key.ToString())).ToList();
        }
    }

    /// <summary>An <see cref="IMeterFactory"/> as a host provides: meters of its own, so only this test's are listened to.</summary>
    private sealed class TestMeterFactory : IMeterFactory
    {
        public List<Meter> Created { get; } = new();

        public Meter Create(MeterOptions options)
        {
            var meter = new Meter(options.Name, options.Version, options.Tags, scope: this);
            Created.Add(meter);
            return meter;
        }

        public void Dispose()
        {
            foreach (var meter in Created)
            {
                meter.Dispose();
            }
        }
    }
}
