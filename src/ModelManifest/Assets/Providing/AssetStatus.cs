namespace ModelManifest.Assets;

/// <summary>The answer of <see cref="AssetProvider.GetStatus"/>.</summary>
/// <param name="State">Missing, downloading, available or failed.</param>
/// <param name="Path">The local file when available.</param>
/// <param name="Fraction">Download progress 0..1 (1 when available).</param>
/// <param name="Error">Why the last download failed.</param>
public sealed record AssetStatus(AssetState State, string? Path, double Fraction, AssetException? Error);
