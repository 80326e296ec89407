namespace ModelManifest;

/// <summary>The overall answer of a compatibility check.</summary>
public enum CompatibilityVerdict
{
    /// <summary>Not enough is known to say.</summary>
    Unknown = 0,
    /// <summary>Everything the manifest states fits this platform.</summary>
    Compatible,
    /// <summary>Something the manifest states rules this platform out.</summary>
    Incompatible,
}
