using System;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace ModelManifest.Generator.Helpers;

/// <summary>
/// A diagnostic as plain data (rule id, message, severity, file path, span and line span), so pipeline models stay
/// equatable and hold no <see cref="Location"/>. Turned into a <see cref="Diagnostic"/> only when reported.
/// </summary>
internal sealed class DiagnosticInfo : IEquatable<DiagnosticInfo>
{
    public DiagnosticInfo(string id, string message, DiagnosticSeverity severity, string? filePath, TextSpan span, LinePositionSpan lineSpan)
    {
        Id = id;
        Message = message;
        Severity = severity;
        FilePath = filePath;
        Span = span;
        LineSpan = lineSpan;
    }

    public string Id { get; }

    public string Message { get; }

    public DiagnosticSeverity Severity { get; }

    public string? FilePath { get; }

    public TextSpan Span { get; }

    public LinePositionSpan LineSpan { get; }

    public Diagnostic ToDiagnostic()
    {
        Location location = FilePath is null ? Location.None : Location.Create(FilePath, Span, LineSpan);
        if (DiagnosticDescriptors.Find(Id) is not DiagnosticDescriptor descriptor)
        {
            // A bug, not a manifest problem: say so under the internal-error id, never under another rule's id.
            return Diagnostic.Create(DiagnosticDescriptors.InternalError, location,
                "ModelManifest.Generator has no descriptor for rule " + Id + " (please report this); the finding was: " + Message);
        }

        return descriptor.DefaultSeverity == Severity
            ? Diagnostic.Create(descriptor, location, Message)
            : Diagnostic.Create(descriptor, location, Severity, additionalLocations: null, properties: null, Message);
    }

    public bool Equals(DiagnosticInfo? other)
        => other is not null && Id == other.Id && Message == other.Message && Severity == other.Severity
           && FilePath == other.FilePath && Span.Equals(other.Span) && LineSpan.Equals(other.LineSpan);

    public override bool Equals(object? obj) => obj is DiagnosticInfo other && Equals(other);

    public override int GetHashCode() => unchecked((Id.GetHashCode() * 397) ^ Span.GetHashCode() ^ Message.GetHashCode());
}
