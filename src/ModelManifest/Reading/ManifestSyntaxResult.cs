using System.Collections.Generic;

namespace ModelManifest.Reading;

/// <summary>A manifest read to a validated syntax tree: what the generator and the runtime binder start from.</summary>
internal sealed class ManifestSyntaxResult
{
    internal ManifestSyntaxResult(string? path, JsonObjectSyntax? root, SourceLineMap lines, List<ManifestDiagnostic> diagnostics, string? schemaVersion, bool validated = false)
    {
        IsValidated = validated;
        Path = path;
        Root = root;
        Lines = lines;
        Diagnostics = diagnostics;
        SchemaVersion = schemaVersion;
    }

    /// <summary>The file path the diagnostics name.</summary>
    public string? Path { get; }

    /// <summary>The manifest object, or <see langword="null"/> when the text is not a usable JSON object.</summary>
    public JsonObjectSyntax? Root { get; }

    /// <summary>Line map for locating further findings.</summary>
    public SourceLineMap Lines { get; }

    /// <summary>Every finding, in the order the layers produced them.</summary>
    public IReadOnlyList<ManifestDiagnostic> Diagnostics { get; }

    internal List<ManifestDiagnostic> MutableDiagnostics => (List<ManifestDiagnostic>)Diagnostics;

    /// <summary>Whether the structural and semantic layers ran (the schema version was readable and supported).</summary>
    public bool IsValidated { get; }

    /// <summary>The manifest's <c>schemaVersion</c>, when it could be read.</summary>
    public string? SchemaVersion { get; }

    /// <summary>Whether any finding is an error.</summary>
    public bool HasErrors
    {
        get
        {
            foreach (var d in Diagnostics)
            {
                if (d.Severity == ManifestSeverity.Error)
                {
                    return true;
                }
            }

            return false;
        }
    }
}
