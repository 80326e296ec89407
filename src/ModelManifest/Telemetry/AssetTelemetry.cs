using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace ModelManifest.Telemetry;

/// <summary>
/// The asset engine's metrics and traces: one <see cref="Meter"/> and one <see cref="ActivitySource"/>, both named
/// <c>ModelManifest.Assets</c>, with OpenTelemetry-style instrument and attribute names (docs/telemetry.md lists them).
/// Nothing is recorded unless a listener (an OpenTelemetry SDK, <c>dotnet-counters</c>, a test) subscribes.
/// </summary>
internal sealed class AssetTelemetry
{
    /// <summary>The name of the meter and of the activity source.</summary>
    public const string Name = "ModelManifest.Assets";

    /// <summary>The span of one <see cref="Assets.AssetManager.GetAsync"/> call.</summary>
    public const string ResolveActivity = "modelmanifest.assets.resolve";

    public const string AssetIdTag = "modelmanifest.asset.id";
    public const string Sha256Tag = "modelmanifest.asset.sha256";
    public const string SourceTag = "modelmanifest.source.name";
    public const string SourceKindTag = "modelmanifest.source.kind";
    public const string OutcomeTag = "modelmanifest.outcome";

    /// <summary>The <see cref="SourceTag"/> of an asset that was already in the cache.</summary>
    public const string CacheSource = "cache";

    /// <summary>Outcomes: in the cache already, delivered by a source, no source could deliver it, the caller gave up.</summary>
    public const string Cached = "cached", Served = "served", Failed = "failed", Cancelled = "cancelled";

    private static readonly string? s_version = typeof(AssetTelemetry).Assembly.GetName().Version?.ToString();

    /// <summary>Spans are process-wide (listeners filter by source name); metrics follow the meter factory.</summary>
    public static readonly ActivitySource Activities = new(Name, s_version);

    private static readonly Lazy<AssetTelemetry> s_shared = new(() => new AssetTelemetry(new Meter(Name, s_version)));

    private AssetTelemetry(Meter meter)
    {
        Bytes = meter.CreateCounter<long>("modelmanifest.assets.bytes", "By", "Bytes of asset content delivered into the cache by sources.");
        ServedAssets = meter.CreateCounter<long>("modelmanifest.assets.served", "{asset}", "Assets delivered into the cache by a source.");
        CacheHits = meter.CreateCounter<long>("modelmanifest.assets.cache.hits", "{request}", "Asset requests answered from the cache.");
        CacheMisses = meter.CreateCounter<long>("modelmanifest.assets.cache.misses", "{request}", "Asset requests that had to ask the sources.");
        ResolveDuration = meter.CreateHistogram<double>("modelmanifest.assets.resolve.duration", "s", "Time to resolve one asset request, cache hits included.");
    }

    public Counter<long> Bytes { get; }

    public Counter<long> ServedAssets { get; }

    public Counter<long> CacheHits { get; }

    public Counter<long> CacheMisses { get; }

    public Histogram<double> ResolveDuration { get; }

    /// <summary>
    /// The instruments on a meter from <paramref name="factory"/> (the host's <see cref="IMeterFactory"/>, so metrics
    /// are scoped to its container), or on the process-wide meter when there is none.
    /// </summary>
    public static AssetTelemetry Create(IMeterFactory? factory)
        => factory is null ? s_shared.Value : new AssetTelemetry(factory.Create(new MeterOptions(Name) { Version = s_version }));

    /// <summary>
    /// The kind of a source for low-cardinality metric tags: the type name without the <c>AssetSource</c> suffix, in
    /// lower case (<c>directory</c>, <c>http</c>, <c>bundled</c>; a custom source gets its own type's name).
    /// </summary>
    public static string KindOf(Assets.IAssetSource source)
    {
        string name = source.GetType().Name;
        return (name.EndsWith("AssetSource", StringComparison.Ordinal) && name.Length > "AssetSource".Length ? name[..^"AssetSource".Length] : name).ToLowerInvariant();
    }
}
