namespace ModelManifest.Assets;

/// <summary>
/// A source that can hand out byte ranges of an asset (an HTTP server answering <c>Range</c> with 206, a folder, object
/// storage). The engine then fetches large assets over several connections at once, part by part.
/// </summary>
/// <remarks>
/// Optional: a source that implements only <see cref="IAssetSource"/> keeps working and is read as one stream. A source
/// that finds out only when asked that it cannot serve ranges (an HTTP server answering 200 to a <c>Range</c> request)
/// returns the whole asset instead — <see cref="AssetContent.Offset"/> 0 and no <see cref="AssetContent.Length"/> — and
/// the engine continues with that one stream, wasting none of its bytes.
/// </remarks>
public interface IRangedAssetSource : IAssetSource
{
    /// <summary>Opens the bytes <c>[offset, offset + length)</c> of <paramref name="asset"/>.</summary>
    /// <param name="asset">The asset (already validated by the engine).</param>
    /// <param name="offset">The first byte wanted.</param>
    /// <param name="length">How many bytes are wanted (at least 1; the range ends inside the asset).</param>
    /// <param name="cancellationToken">Cancels the open.</param>
    /// <returns>
    /// Content with <see cref="AssetContent.Offset"/> = <paramref name="offset"/> and <see cref="AssetContent.Length"/> =
    /// <paramref name="length"/> (the engine reads no more than that), or the whole asset (offset 0, no length) when the
    /// source cannot serve the range.
    /// </returns>
    ValueTask<AssetContent> OpenRangeAsync(AssetInfo asset, long offset, long length, CancellationToken cancellationToken);
}
