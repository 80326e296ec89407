using System.Collections.Generic;
using System.Globalization;

namespace ModelManifest.Reading;

/// <summary>
/// Reads manifest text in layers — JSON syntax, schema version, structure (the schema), semantics — and
/// never throws: every problem is a located <see cref="ManifestDiagnostic"/>. Shared by the runtime library,
/// the CLI and the generator (netstandard2.0, no package dependency).
/// </summary>
internal static class ManifestSyntaxReader
{
    /// <summary>
    /// Reads one manifest. With <paramref name="resolveReferences"/> its asset references must resolve within
    /// the file; pass <see langword="false"/> and use <see cref="ResolveReferences"/> to validate several files together.
    /// </summary>
    public static ManifestSyntaxResult Read(string text, string? path, ManifestSchema schema, bool resolveReferences = true)
    {
        JsonParseResult parsed = JsonSyntaxParser.Parse(text, path);
        var diagnostics = new List<ManifestDiagnostic>(parsed.Diagnostics);
        SourceLineMap lines = parsed.Lines;
        if (parsed.Root is null)
        {
            return new ManifestSyntaxResult(path, null, lines, diagnostics, null);
        }

        if (parsed.Root is not JsonObjectSyntax root)
        {
            diagnostics.Add(ManifestDiagnostic.Create(ManifestDiagnosticDescriptors.WrongType, path, lines, parsed.Root.Span, "manifest", "an object", parsed.Root.KindDescription));
            return new ManifestSyntaxResult(path, null, lines, diagnostics, null);
        }

        string? version = CheckSchemaVersion(root, path, lines, schema, diagnostics, out bool readable);
        if (!readable)
        {
            // A different major (or no version at all) means an unknown shape: more findings would only be noise.
            return new ManifestSyntaxResult(path, root, lines, diagnostics, version);
        }

        StructuralValidator.Validate(root, schema.Root, path, lines, diagnostics);
        SemanticValidator.Validate(root, path, lines, diagnostics);
        if (resolveReferences)
        {
            var keys = new HashSet<string>(System.StringComparer.Ordinal);
            SemanticValidator.CollectAssetKeys(root, keys);
            SemanticValidator.ValidateReferences(root, keys, path, lines, diagnostics);
        }

        return new ManifestSyntaxResult(path, root, lines, diagnostics, version, validated: true);
    }

    /// <summary>Resolves the asset references of several manifests against the assets all of them define.</summary>
    public static void ResolveReferences(IReadOnlyList<ManifestSyntaxResult> manifests)
    {
        var keys = new HashSet<string>(System.StringComparer.Ordinal);
        foreach (var m in manifests)
        {
            if (m.Root is not null && m.IsValidated)
            {
                SemanticValidator.CollectAssetKeys(m.Root, keys);
            }
        }

        foreach (var m in manifests)
        {
            if (m.Root is not null && m.IsValidated)
            {
                SemanticValidator.ValidateReferences(m.Root, keys, m.Path, m.Lines, m.MutableDiagnostics);
            }
        }
    }

    private static string? CheckSchemaVersion(JsonObjectSyntax root, string? path, SourceLineMap lines, ManifestSchema schema, List<ManifestDiagnostic> diagnostics, out bool readable)
    {
        readable = false;
        JsonSyntaxNode? value = root["schemaVersion"];
        if (value is null)
        {
            diagnostics.Add(ManifestDiagnostic.Create(ManifestDiagnosticDescriptors.InvalidSchemaVersion, path, lines, new SourceSpan(root.Span.Start, 1), "no \"schemaVersion\" property", schema.Version));
            return null;
        }

        string[]? parts = value is JsonStringSyntax s ? s.Value.Split('.') : null;
        if (parts is null || parts.Length != 2
            || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int major)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int minor))
        {
            string found = value is JsonStringSyntax str ? "\"" + str.Value + "\"" : value.KindDescription;
            diagnostics.Add(ManifestDiagnostic.Create(ManifestDiagnosticDescriptors.InvalidSchemaVersion, path, lines, value.Span, found, schema.Version));
            return null;
        }

        string version = ((JsonStringSyntax)value).Value;
        if (major != schema.Major)
        {
            diagnostics.Add(ManifestDiagnostic.Create(ManifestDiagnosticDescriptors.UnsupportedSchemaMajor, path, lines, value.Span, version, schema.Major, schema.Version));
            return version;
        }

        if (minor > schema.Minor)
        {
            diagnostics.Add(ManifestDiagnostic.Create(ManifestDiagnosticDescriptors.NewerSchemaMinor, path, lines, value.Span, version, schema.Version));
        }

        readable = true;
        return version;
    }
}
