namespace ModelManifest.Assets;

/// <summary>
/// How large assets are transferred: split into parts fetched over several connections at once (from sources that
/// serve byte ranges), with the number of connections grown while the combined throughput still grows.
/// </summary>
public sealed class TransferOptions
{
    /// <summary>The default of <see cref="MaxConnectionsPerAsset"/>.</summary>
    public const int DefaultMaxConnectionsPerAsset = 8;

    /// <summary>The default of <see cref="MaxConcurrentAssets"/>.</summary>
    public const int DefaultMaxConcurrentAssets = 8;

    /// <summary>The default of <see cref="MinimumSplitSize"/> (64 MiB).</summary>
    public const long DefaultMinimumSplitSize = 64L << 20;

    /// <summary>The default of <see cref="MaxConnectionsPerHost"/>.</summary>
    public const int DefaultMaxConnectionsPerHost = 16;

    /// <summary>The most connections one asset is fetched over; 1 turns splitting off.</summary>
    public int MaxConnectionsPerAsset { get; set; } = DefaultMaxConnectionsPerAsset;

    /// <summary>
    /// How many different assets a caller that resolves a list (the CLI's <c>fetch</c>, the build) fetches at once;
    /// they share <see cref="MaxConnectionsPerHost"/>. The engine itself serves any number of concurrent callers.
    /// </summary>
    public int MaxConcurrentAssets { get; set; } = DefaultMaxConcurrentAssets;

    /// <summary>The most connections open to one source at once, over every asset this process fetches.</summary>
    public int MaxConnectionsPerHost { get; set; } = DefaultMaxConnectionsPerHost;

    /// <summary>How many connections a split download starts with; more are added while throughput grows.</summary>
    public int InitialConnections { get; set; } = 4;

    /// <summary>Assets smaller than this are fetched as one stream.</summary>
    public long MinimumSplitSize { get; set; } = DefaultMinimumSplitSize;

    /// <summary>The size of one part: the unit of a range request, and what a crash loses at most per connection.</summary>
    public long PartSize { get; set; } = 16L << 20;

    internal bool Splits(IAssetSource source, long size) =>
        source is IRangedAssetSource && MaxConnectionsPerAsset > 1 && size >= Math.Max(MinimumSplitSize, 2 * Math.Max(PartSize, 1));
}
