namespace ModelManifest.Assets;

/// <summary>Progress of one asset transfer.</summary>
/// <param name="Asset">The asset.</param>
/// <param name="SourceName">The source currently delivering.</param>
/// <param name="BytesDone">Bytes in hand (including resumed bytes).</param>
/// <param name="TotalBytes">The asset's size.</param>
public readonly record struct AssetProgress(AssetKey Asset, string SourceName, long BytesDone, long TotalBytes)
{
    /// <summary>Fraction done, 0..1.</summary>
    public double Fraction => TotalBytes <= 0 ? 1 : (double)BytesDone / TotalBytes;
}
