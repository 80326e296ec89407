using System.Globalization;
using System.Text;
using ModelManifest.Reading;

namespace ModelManifest;

/// <summary>
/// Reads manifests into typed <see cref="ManifestDocument"/>s. Validation happens first, on a syntax tree with
/// positions (encoding, JSON syntax, schema version, the schema, semantic rules); only a manifest without errors
/// is bound to records. Never throws for bad content: every problem is a <see cref="ManifestDiagnostic"/>.
/// </summary>
public static class ManifestReader
{
    /// <summary>The schema this reader validates against.</summary>
    internal static ManifestSchema Schema => ManifestSchema.Embedded;

    /// <summary>Reads a manifest file. I/O failures become an MM0006 diagnostic.</summary>
    public static ManifestReadResult ReadFile(string path, bool resolveReferences = true)
        => TryLoadText(path, out string? text, out ManifestReadResult? failure) ? Read(text!, path, resolveReferences) : failure!;

    /// <summary>Reads a manifest from UTF-8 bytes (a BOM is allowed).</summary>
    public static ManifestReadResult Read(ReadOnlySpan<byte> utf8, string? path = null, bool resolveReferences = true)
    {
        if (!TryDecode(utf8, path, out string? text, out ManifestReadResult? failure))
        {
            return failure!;
        }

        ManifestSyntaxResult syntax = ManifestSyntaxReader.Read(text!, path, Schema, resolveReferences);
        return Bind(syntax, text!);
    }

    /// <summary>Reads a manifest from text.</summary>
    public static ManifestReadResult Read(string text, string? path = null, bool resolveReferences = true)
    {
        ManifestSyntaxResult syntax = ManifestSyntaxReader.Read(text, path, Schema, resolveReferences);
        return Bind(syntax, text);
    }

    /// <summary>Reads several manifests as a set: asset references may resolve to assets in any of them.</summary>
    public static ImmutableArray<ManifestReadResult> ReadFiles(IEnumerable<string> paths)
    {
        var results = new List<ManifestReadResult?>();
        var loaded = new List<(int Index, ManifestSyntaxResult Syntax, string Text)>();
        foreach (string path in paths)
        {
            if (TryLoadText(path, out string? text, out ManifestReadResult? failure))
            {
                loaded.Add((results.Count, ManifestSyntaxReader.Read(text!, path, Schema, resolveReferences: false), text!));
                results.Add(null);
            }
            else
            {
                results.Add(failure);
            }
        }

        ManifestSyntaxReader.ResolveReferences(loaded.Select(l => l.Syntax).ToList());
        foreach (var (index, syntax, text) in loaded)
        {
            results[index] = Bind(syntax, text);
        }

        return results.Select(r => r!).ToImmutableArray();
    }

    private static bool TryLoadText(string path, out string? text, out ManifestReadResult? failure)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            var diagnostic = new ManifestDiagnostic(ManifestDiagnosticDescriptors.UnreadableManifest,
                string.Format(CultureInfo.InvariantCulture, ManifestDiagnosticDescriptors.UnreadableManifest.MessageFormat, e.Message),
                path, default, default, default);
            text = null;
            failure = new ManifestReadResult(path, null, ImmutableArray.Create(diagnostic), null);
            return false;
        }

        return TryDecode(bytes, path, out text, out failure);
    }

    private static bool TryDecode(ReadOnlySpan<byte> utf8, string? path, out string? text, out ManifestReadResult? failure)
    {
        if (utf8.StartsWith("\uFEFF"u8))
        {
            utf8 = utf8[3..];
        }

        failure = null;
        if (Utf8Validation.TryDecode(utf8, out string decoded, out int badOffset))
        {
            text = decoded;
            return true;
        }

        // Locate the bad byte by decoding the valid prefix before it.
        string prefix = Encoding.UTF8.GetString(utf8[..badOffset]);
        var diagnostic = ManifestDiagnostic.Create(ManifestDiagnosticDescriptors.InvalidEncoding, path, new SourceLineMap(prefix), new SourceSpan(prefix.Length, 0),
            utf8[badOffset].ToString("X2", CultureInfo.InvariantCulture), badOffset);
        text = null;
        failure = new ManifestReadResult(path, null, ImmutableArray.Create(diagnostic), null);
        return false;
    }

    private static ManifestReadResult Bind(ManifestSyntaxResult syntax, string text)
    {
        var diagnostics = syntax.Diagnostics.ToImmutableArray();
        if (syntax.HasErrors || syntax.Root is null)
        {
            return new ManifestReadResult(syntax.Path, null, diagnostics, syntax);
        }

        try
        {
            return new ManifestReadResult(syntax.Path, ManifestBinder.Bind(text), diagnostics, syntax);
        }
        catch (JsonException e)
        {
            // Validation should have caught everything the binder rejects; if not, still answer with a located diagnostic.
            int line = (int)(e.LineNumber ?? 0);
            int column = (int)(e.BytePositionInLine ?? 0);
            var position = new SourcePosition(line, column);
            var diagnostic = new ManifestDiagnostic(ManifestDiagnosticDescriptors.InvalidJson, "Invalid JSON: " + e.Message, syntax.Path, default, position, position);
            return new ManifestReadResult(syntax.Path, null, diagnostics.Add(diagnostic), syntax);
        }
    }
}
