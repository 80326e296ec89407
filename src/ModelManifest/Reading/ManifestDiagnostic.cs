using System.Globalization;

namespace ModelManifest.Reading;

/// <summary>One problem found in a manifest, located by file, span and line/column.</summary>
public sealed class ManifestDiagnostic
{
    /// <summary>Creates a diagnostic.</summary>
    public ManifestDiagnostic(ManifestDiagnosticDescriptor descriptor, string message, string? filePath, SourceSpan span, SourcePosition start, SourcePosition end, ManifestSeverity? severity = null)
    {
        Descriptor = descriptor;
        Message = message;
        FilePath = filePath;
        Span = span;
        Start = start;
        End = end;
        Severity = severity ?? descriptor.DefaultSeverity;
    }

    /// <summary>The rule.</summary>
    public ManifestDiagnosticDescriptor Descriptor { get; }

    /// <summary>Stable id such as <c>MM0203</c>.</summary>
    public string Id => Descriptor.Id;

    /// <summary>Severity.</summary>
    public ManifestSeverity Severity { get; }

    /// <summary>The formatted message.</summary>
    public string Message { get; }

    /// <summary>The manifest's path, or <see langword="null"/> for text without a file.</summary>
    public string? FilePath { get; }

    /// <summary>Character span of the offending token.</summary>
    public SourceSpan Span { get; }

    /// <summary>Zero-based start line/column.</summary>
    public SourcePosition Start { get; }

    /// <summary>Zero-based end line/column.</summary>
    public SourcePosition End { get; }

    /// <summary>Creates a diagnostic of a rule, formatting its message.</summary>
    internal static ManifestDiagnostic Create(ManifestDiagnosticDescriptor descriptor, string? filePath, SourceLineMap lines, SourceSpan span, params object?[] args)
        => new(descriptor, string.Format(CultureInfo.InvariantCulture, descriptor.MessageFormat, args), filePath, span, lines.GetPosition(span.Start), lines.GetPosition(span.End));

    /// <summary>The MSBuild/compiler form: <c>file(line,col): error MM0203: message</c>.</summary>
    public override string ToString()
    {
        string severity = Severity switch
        {
            ManifestSeverity.Error => "error",
            ManifestSeverity.Warning => "warning",
            _ => "info",
        };
        return (FilePath ?? "<manifest>") + "(" + Start + "): " + severity + " " + Id + ": " + Message;
    }
}
