namespace ModelManifest;

/// <summary>One manifest to merge: its document, where it came from (for messages), and its precedence.</summary>
/// <param name="Document">The manifest.</param>
/// <param name="Origin">A file path or URL naming the manifest in messages.</param>
/// <param name="Precedence">Higher wins. Ties: the later input wins, as configuration providers do.</param>
public sealed record ManifestMergeInput(ManifestDocument Document, string Origin, int Precedence = 0);
