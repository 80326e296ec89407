namespace ModelManifest;

/// <summary>A compatibility verdict with the reasons behind it. Advice, never a block: the caller decides.</summary>
/// <param name="Verdict">The overall verdict.</param>
/// <param name="Reasons">Each finding in words, positive and negative.</param>
public sealed record CompatibilityReport(CompatibilityVerdict Verdict, ImmutableArray<string> Reasons);
