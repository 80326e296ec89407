using ModelManifest.Reading;

namespace ModelManifest;

/// <summary>The result of reading one manifest: the typed document (when it has no errors) and every diagnostic.</summary>
public sealed class ManifestReadResult
{
    internal ManifestReadResult(string? path, ManifestDocument? document, ImmutableArray<ManifestDiagnostic> diagnostics, ManifestSyntaxResult? syntax)
    {
        Path = path;
        Document = document;
        Diagnostics = diagnostics;
        Syntax = syntax;
    }

    /// <summary>The manifest's path, or <see langword="null"/> for text read without a file.</summary>
    public string? Path { get; }

    /// <summary>The typed manifest, or <see langword="null"/> when there are errors.</summary>
    public ManifestDocument? Document { get; }

    /// <summary>Every finding, errors and warnings, each with file/line/column.</summary>
    public ImmutableArray<ManifestDiagnostic> Diagnostics { get; }

    /// <summary>The validated syntax tree with source positions, or <see langword="null"/> when the file could not be decoded.</summary>
    internal ManifestSyntaxResult? Syntax { get; }

    /// <summary>Whether any diagnostic is an error.</summary>
    public bool HasErrors => Diagnostics.Any(d => d.Severity == ManifestSeverity.Error);

    /// <summary>
    /// Where this manifest declares the asset <paramref name="key"/>: the position of its object's opening brace in
    /// <c>assets</c>, or <see langword="null"/> when the manifest does not declare it (or is not JSON). Tools use it to
    /// point an error about the asset at its declaration.
    /// </summary>
    public SourcePosition? FindAsset(AssetKey key) => FindDeclaration("assets", "id", key.Id, "tag", key.Tag);

    /// <summary>
    /// Where this manifest declares model <paramref name="id"/> at <paramref name="version"/>: the position of its
    /// object's opening brace in <c>models</c>, or <see langword="null"/> when the manifest does not declare it.
    /// </summary>
    public SourcePosition? FindModel(string id, string version) => FindDeclaration("models", "id", id, "version", version);

    private SourcePosition? FindDeclaration(string array, string idProperty, string id, string qualifier, string? qualifierValue)
    {
        if (Syntax?.Root?[array] is not JsonArraySyntax items)
        {
            return null;
        }

        foreach (JsonObjectSyntax item in items.Items.OfType<JsonObjectSyntax>())
        {
            if (item.GetString(idProperty) == id && item.GetString(qualifier) == qualifierValue)
            {
                return Syntax.Lines.GetPosition(item.Span.Start);
            }
        }

        return null;
    }
}
