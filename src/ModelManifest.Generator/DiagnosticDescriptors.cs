using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using ModelManifest.Reading;

namespace ModelManifest.Generator;

/// <summary>
/// Every rule the generator and the analyzer report, in one file. MM00xx–MM03xx are the shared reader's rules
/// (ModelManifest.Reading.ManifestDiagnosticDescriptors, the one home of their titles, categories and severities);
/// MM04xx are generator-only rules (ids in <see cref="GeneratorDiagnosticIds"/>). The descriptors are written out
/// with constant ids, categories and severities because release tracking (RS2000–RS2008 against
/// AnalyzerReleases.*.md) and .editorconfig severity configuration read them from the source; a test asserts that
/// this table and the reader's agree exactly. Messages are formatted by the reader, hence the "{0}" format.
/// Help links come from the one base in the reader (docs/diagnostics.md, lowercase-id anchors).
/// </summary>
internal static class DiagnosticDescriptors
{
    private const string HelpLinkBase = ManifestDiagnosticDescriptors.HelpLinkBase;
    public static readonly DiagnosticDescriptor InvalidEncoding = new(
        "MM0001", "Manifest is not valid UTF-8", "{0}", "Reading", DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLinkBase + "mm0001");
    public static readonly DiagnosticDescriptor InvalidJson = new(
        "MM0002", "Invalid JSON", "{0}", "Reading", DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLinkBase + "mm0002");
    public static readonly DiagnosticDescriptor NestingTooDeep = new(
        "MM0003", "JSON nested too deeply", "{0}", "Reading", DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLinkBase + "mm0003");
    public static readonly DiagnosticDescriptor DuplicateProperty = new(
        "MM0004", "Duplicate property", "{0}", "Reading", DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLinkBase + "mm0004");
    public static readonly DiagnosticDescriptor EmptyManifest = new(
        "MM0005", "Empty manifest", "{0}", "Reading", DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLinkBase + "mm0005");
    public static readonly DiagnosticDescriptor UnreadableManifest = new(
        "MM0006", "Manifest cannot be read", "{0}", "Reading", DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLinkBase + "mm0006");
    public static readonly DiagnosticDescriptor InvalidSchemaVersion = new(
        "MM0010", "Invalid schemaVersion", "{0}", "Reading", DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLinkBase + "mm0010");
    public static readonly DiagnosticDescriptor UnsupportedSchemaMajor = new(
        "MM0011", "Unsupported schema major version", "{0}", "Reading", DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLinkBase + "mm0011");
    public static readonly DiagnosticDescriptor NewerSchemaMinor = new(
        "MM0012", "Newer schema minor version", "{0}", "Reading", DiagnosticSeverity.Warning, isEnabledByDefault: true, helpLinkUri: HelpLinkBase + "mm0012");
    public static readonly DiagnosticDescriptor WrongType = new(
        "MM0100", "Wrong value type", "{0}", "Schema", DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLinkBase + "mm0100");
    public static readonly DiagnosticDescriptor MissingProperty = new(
        "MM0101", "Missing required property", "{0}", "Schema", DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLinkBase + "mm0101");
    public static readonly DiagnosticDescriptor NotAllowedValue = new(
        "MM0102", "Value not allowed", "{0}", "Schema", DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLinkBase + "mm0102");
    public static readonly DiagnosticDescriptor PatternMismatch = new(
        "MM0103", "Value does not match pattern", "{0}", "Schema", DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLinkBase + "mm0103");
    public static readonly DiagnosticDescriptor OutOfRange = new(
        "MM0104", "Number out of range", "{0}", "Schema", DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLinkBase + "mm0104");
    public static readonly DiagnosticDescriptor WrongLength = new(
        "MM0105", "Wrong length", "{0}", "Schema", DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLinkBase + "mm0105");
    public static readonly DiagnosticDescriptor InvalidIdentifier = new(
        "MM0106", "Invalid identifier", "{0}", "Schema", DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLinkBase + "mm0106");
    public static readonly DiagnosticDescriptor UnknownProperty = new(
        "MM0110", "Unknown property", "{0}", "Schema", DiagnosticSeverity.Warning, isEnabledByDefault: true, helpLinkUri: HelpLinkBase + "mm0110");
    public static readonly DiagnosticDescriptor DuplicateModel = new(
        "MM0200", "Duplicate model", "{0}", "Semantics", DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLinkBase + "mm0200");
    public static readonly DiagnosticDescriptor DuplicateAsset = new(
        "MM0201", "Duplicate asset", "{0}", "Semantics", DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLinkBase + "mm0201");
    public static readonly DiagnosticDescriptor UnresolvedAssetReference = new(
        "MM0202", "Unresolved asset reference", "{0}", "Semantics", DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLinkBase + "mm0202");
    public static readonly DiagnosticDescriptor InvalidSha256 = new(
        "MM0203", "Invalid sha256", "{0}", "Semantics", DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLinkBase + "mm0203");
    public static readonly DiagnosticDescriptor InvalidVersion = new(
        "MM0204", "Invalid semantic version", "{0}", "Semantics", DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLinkBase + "mm0204");
    public static readonly DiagnosticDescriptor UnsafeFileName = new(
        "MM0205", "Unsafe file name", "{0}", "Semantics", DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLinkBase + "mm0205");
    public static readonly DiagnosticDescriptor InvalidOptionValue = new(
        "MM0206", "Invalid option value", "{0}", "Semantics", DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLinkBase + "mm0206");
    public static readonly DiagnosticDescriptor IntegerOverflow = new(
        "MM0207", "Integer out of range", "{0}", "Semantics", DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLinkBase + "mm0207");
    public static readonly DiagnosticDescriptor InvalidUrl = new(
        "MM0208", "Invalid URL", "{0}", "Semantics", DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLinkBase + "mm0208");
    public static readonly DiagnosticDescriptor ConflictingAsset = new(
        "MM0300", "Conflicting asset definitions", "{0}", "Merge", DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLinkBase + "mm0300");
    public static readonly DiagnosticDescriptor ModelOverridden = new(
        "MM0301", "Model overridden", "{0}", "Merge", DiagnosticSeverity.Info, isEnabledByDefault: true, helpLinkUri: HelpLinkBase + "mm0301");
    public static readonly DiagnosticDescriptor NotUtf8 = new(
        GeneratorDiagnosticIds.NotUtf8, "Manifest is not UTF-8", "{0}", "Generator", DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLinkBase + "mm0400");
    public static readonly DiagnosticDescriptor IdentifierCollision = new(
        GeneratorDiagnosticIds.IdentifierCollision, "Generated names collide", "{0}", "Generator", DiagnosticSeverity.Warning, isEnabledByDefault: true, helpLinkUri: HelpLinkBase + "mm0401");
    public static readonly DiagnosticDescriptor ModelInSeveralManifests = new(
        GeneratorDiagnosticIds.ModelInSeveralManifests, "Model defined in several manifests", "{0}", "Generator", DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLinkBase + "mm0402");
    public static readonly DiagnosticDescriptor UnreadableSchema = new(
        GeneratorDiagnosticIds.UnreadableSchema, "Schema file cannot be used", "{0}", "Generator", DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLinkBase + "mm0403");
    public static readonly DiagnosticDescriptor SeveralSchemas = new(
        GeneratorDiagnosticIds.SeveralSchemas, "More than one schema file for one role", "{0}", "Generator", DiagnosticSeverity.Warning, isEnabledByDefault: true, helpLinkUri: HelpLinkBase + "mm0404");
    public static readonly DiagnosticDescriptor InternalError = new(
        GeneratorDiagnosticIds.InternalError, "Generator failure", "{0}", "Generator", DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLinkBase + "mm0405");
    public static readonly DiagnosticDescriptor CatalogTooLarge = new(
        GeneratorDiagnosticIds.CatalogTooLarge, "Manifests too large to compile", "{0}", "Generator", DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLinkBase + "mm0406");

    public static ImmutableArray<DiagnosticDescriptor> All { get; } = ImmutableArray.Create(
        InvalidEncoding,
        InvalidJson,
        NestingTooDeep,
        DuplicateProperty,
        EmptyManifest,
        UnreadableManifest,
        InvalidSchemaVersion,
        UnsupportedSchemaMajor,
        NewerSchemaMinor,
        WrongType,
        MissingProperty,
        NotAllowedValue,
        PatternMismatch,
        OutOfRange,
        WrongLength,
        InvalidIdentifier,
        UnknownProperty,
        DuplicateModel,
        DuplicateAsset,
        UnresolvedAssetReference,
        InvalidSha256,
        InvalidVersion,
        UnsafeFileName,
        InvalidOptionValue,
        IntegerOverflow,
        InvalidUrl,
        ConflictingAsset,
        ModelOverridden,
        NotUtf8,
        IdentifierCollision,
        ModelInSeveralManifests,
        UnreadableSchema,
        SeveralSchemas,
        InternalError,
        CatalogTooLarge);

    private static readonly Dictionary<string, DiagnosticDescriptor> s_byId = CreateIndex();

    /// <summary>
    /// The descriptor of a rule id, or <see langword="null"/> for an id this table does not know — a bug (a reader
    /// rule added without its Roslyn descriptor), which <see cref="Helpers.DiagnosticInfo.ToDiagnostic"/> reports as
    /// MM0405 naming the id, never under another rule's id.
    /// </summary>
    public static DiagnosticDescriptor? Find(string id) => s_byId.TryGetValue(id, out var d) ? d : null;

    private static Dictionary<string, DiagnosticDescriptor> CreateIndex()
    {
        var index = new Dictionary<string, DiagnosticDescriptor>();
        foreach (DiagnosticDescriptor d in All)
        {
            index[d.Id] = d;
        }

        return index;
    }
}
