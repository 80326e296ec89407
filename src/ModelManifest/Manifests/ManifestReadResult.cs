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
    public ManifestSyntaxResult? Syntax { get; }

    /// <summary>Whether any diagnostic is an error.</summary>
    public bool HasErrors => Diagnostics.Any(d => d.Severity == ManifestSeverity.Error);
}
