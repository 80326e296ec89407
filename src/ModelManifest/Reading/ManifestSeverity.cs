namespace ModelManifest.Reading;

/// <summary>Severity of a manifest diagnostic; maps one to one onto Roslyn's and MSBuild's severities.</summary>
public enum ManifestSeverity
{
    /// <summary>Informational.</summary>
    Info,
    /// <summary>Something still works but deserves attention (an unknown property, a newer minor).</summary>
    Warning,
    /// <summary>The manifest cannot be used.</summary>
    Error,
}
