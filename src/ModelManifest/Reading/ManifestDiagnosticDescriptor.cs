namespace ModelManifest.Reading;

/// <summary>A diagnostic rule: stable id, title, message format (string.Format style) and default severity.</summary>
public sealed class ManifestDiagnosticDescriptor
{
    /// <summary>Creates a rule.</summary>
    public ManifestDiagnosticDescriptor(string id, string title, string messageFormat, ManifestSeverity defaultSeverity, string category)
    {
        Id = id;
        Title = title;
        MessageFormat = messageFormat;
        DefaultSeverity = defaultSeverity;
        Category = category;
    }

    /// <summary>Stable id such as <c>MM0203</c>.</summary>
    public string Id { get; }

    /// <summary>Short title.</summary>
    public string Title { get; }

    /// <summary>Message with <c>{0}</c>-style placeholders.</summary>
    public string MessageFormat { get; }

    /// <summary>Severity unless configured otherwise.</summary>
    public ManifestSeverity DefaultSeverity { get; }

    /// <summary>Category (Syntax, Schema, Semantics, Merge).</summary>
    public string Category { get; }

    /// <summary>Link to the rule's entry in docs/diagnostics.md.</summary>
    public string HelpLink => ManifestDiagnosticDescriptors.HelpLink(Id);
}
