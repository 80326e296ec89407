namespace ModelManifest.Generator;

/// <summary>
/// The ids of the generator-only rules (MM04xx). The reader's rules (MM00xx–MM03xx) have theirs in
/// ModelManifest.Reading.ManifestDiagnosticDescriptors. A released id never changes meaning.
/// </summary>
internal static class GeneratorDiagnosticIds
{
    /// <summary>The compiler decoded the manifest with a fallback code page: it is not UTF-8.</summary>
    public const string NotUtf8 = "MM0400";

    /// <summary>Two generated names collide; the later one is left out.</summary>
    public const string IdentifierCollision = "MM0401";

    /// <summary>One model id and version defined in several manifests.</summary>
    public const string ModelInSeveralManifests = "MM0402";

    /// <summary>A schema AdditionalFile cannot be used.</summary>
    public const string UnreadableSchema = "MM0403";

    /// <summary>More than one schema file for one role.</summary>
    public const string SeveralSchemas = "MM0404";

    /// <summary>An unexpected failure inside the generator (a bug), caught at its exception boundary.</summary>
    public const string InternalError = "MM0405";

    /// <summary>The manifests are larger than a compilation can embed; the manifest past the limit is left out.</summary>
    public const string CatalogTooLarge = "MM0406";
}
