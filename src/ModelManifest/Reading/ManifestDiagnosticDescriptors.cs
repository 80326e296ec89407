using System.Collections.Generic;

namespace ModelManifest.Reading;

/// <summary>
/// Every manifest rule in one place. Ids are stable: a released id never changes meaning.
/// MM00xx: reading (encoding, JSON syntax, schema version). MM01xx: structure (the JSON Schema).
/// MM02xx: semantics the schema cannot express. MM03xx: merging several manifests.
/// </summary>
public static class ManifestDiagnosticDescriptors
{
    /// <summary>
    /// Base of every help link (the reader's, the generator's, the build's and the CLI's): docs/diagnostics.md, whose
    /// anchors are the lowercase ids. The link of a rule is <c>HelpLinkBase + id.ToLowerInvariant()</c>.
    /// </summary>
    public const string HelpLinkBase = "https://github.com/modelmanifest/ModelManifest.Build/blob/main/docs/diagnostics.md#";

    /// <summary>The help link of a rule id: its anchor in docs/diagnostics.md.</summary>
    public static string HelpLink(string id) => HelpLinkBase + id.ToLowerInvariant();

    private const string Reading = "Reading";
    private const string Schema = "Schema";
    private const string Semantics = "Semantics";
    private const string Merge = "Merge";

    /// <summary>MM0001: the file is not valid UTF-8.</summary>
    public static readonly ManifestDiagnosticDescriptor InvalidEncoding = new("MM0001", "Manifest is not valid UTF-8",
        "The manifest is not valid UTF-8: invalid byte 0x{0} at byte offset {1}", ManifestSeverity.Error, Reading);

    /// <summary>MM0002: JSON syntax error.</summary>
    public static readonly ManifestDiagnosticDescriptor InvalidJson = new("MM0002", "Invalid JSON",
        "Invalid JSON: {0}", ManifestSeverity.Error, Reading);

    /// <summary>MM0003: nesting deeper than the reader allows.</summary>
    public static readonly ManifestDiagnosticDescriptor NestingTooDeep = new("MM0003", "JSON nested too deeply",
        "JSON nesting exceeds the maximum depth of {0}", ManifestSeverity.Error, Reading);

    /// <summary>MM0004: a property appears twice in one object.</summary>
    public static readonly ManifestDiagnosticDescriptor DuplicateProperty = new("MM0004", "Duplicate property",
        "Property '{0}' appears more than once in this object (first at line {1})", ManifestSeverity.Error, Reading);

    /// <summary>MM0005: the file is empty.</summary>
    public static readonly ManifestDiagnosticDescriptor EmptyManifest = new("MM0005", "Empty manifest",
        "The manifest is empty; expected a JSON object with \"schemaVersion\"", ManifestSeverity.Error, Reading);

    /// <summary>MM0006: the file cannot be read at all.</summary>
    public static readonly ManifestDiagnosticDescriptor UnreadableManifest = new("MM0006", "Manifest cannot be read",
        "The manifest cannot be read: {0}", ManifestSeverity.Error, Reading);

    /// <summary>MM0010: schemaVersion missing or malformed.</summary>
    public static readonly ManifestDiagnosticDescriptor InvalidSchemaVersion = new("MM0010", "Invalid schemaVersion",
        "\"schemaVersion\" must be a string 'major.minor' such as \"{1}\", found {0}", ManifestSeverity.Error, Reading);

    /// <summary>MM0011: a schema major this reader does not understand.</summary>
    public static readonly ManifestDiagnosticDescriptor UnsupportedSchemaMajor = new("MM0011", "Unsupported schema major version",
        "The manifest uses schema {0}, but this reader supports only major version {1} (schema {2}); upgrade ModelManifest to read it", ManifestSeverity.Error, Reading);

    /// <summary>MM0012: a newer minor than the reader knows; unknown fields are kept.</summary>
    public static readonly ManifestDiagnosticDescriptor NewerSchemaMinor = new("MM0012", "Newer schema minor version",
        "The manifest uses schema {0}, newer than this reader's {1}; fields this reader does not know are kept but not validated", ManifestSeverity.Warning, Reading);

    /// <summary>MM0100: a value of the wrong JSON type.</summary>
    public static readonly ManifestDiagnosticDescriptor WrongType = new("MM0100", "Wrong value type",
        "'{0}' must be {1}, found {2}", ManifestSeverity.Error, Schema);

    /// <summary>MM0101: a required property is missing.</summary>
    public static readonly ManifestDiagnosticDescriptor MissingProperty = new("MM0101", "Missing required property",
        "'{0}' is missing required property '{1}'", ManifestSeverity.Error, Schema);

    /// <summary>MM0102: a value outside the allowed set.</summary>
    public static readonly ManifestDiagnosticDescriptor NotAllowedValue = new("MM0102", "Value not allowed",
        "'{0}' must be one of {1}, found {2}", ManifestSeverity.Error, Schema);

    /// <summary>MM0103: a string that does not match the required pattern.</summary>
    public static readonly ManifestDiagnosticDescriptor PatternMismatch = new("MM0103", "Value does not match pattern",
        "'{0}' does not match the required pattern {1}: {2}", ManifestSeverity.Error, Schema);

    /// <summary>MM0104: a number outside its bounds.</summary>
    public static readonly ManifestDiagnosticDescriptor OutOfRange = new("MM0104", "Number out of range",
        "'{0}' must be {1}, found {2}", ManifestSeverity.Error, Schema);

    /// <summary>MM0105: a string or array of the wrong length.</summary>
    public static readonly ManifestDiagnosticDescriptor WrongLength = new("MM0105", "Wrong length",
        "'{0}' must have {1}, found {2}", ManifestSeverity.Error, Schema);

    /// <summary>MM0106: an identifier with characters that are not allowed.</summary>
    public static readonly ManifestDiagnosticDescriptor InvalidIdentifier = new("MM0106", "Invalid identifier",
        "'{0}' is not a valid identifier: '{2}' (start with a letter or digit, then letters, digits, '.', '_', ':', '+' or '-')", ManifestSeverity.Error, Schema);

    /// <summary>MM0110: a property the schema does not define (kept).</summary>
    public static readonly ManifestDiagnosticDescriptor UnknownProperty = new("MM0110", "Unknown property",
        "'{0}' has unknown property '{1}'; it is kept but not validated (check the spelling, or put provider data under \"metadata\")", ManifestSeverity.Warning, Schema);

    /// <summary>MM0200: the same model id and version twice.</summary>
    public static readonly ManifestDiagnosticDescriptor DuplicateModel = new("MM0200", "Duplicate model",
        "Model '{0}' version {1} is defined more than once (first at line {2})", ManifestSeverity.Error, Semantics);

    /// <summary>MM0201: the same asset id and tag twice.</summary>
    public static readonly ManifestDiagnosticDescriptor DuplicateAsset = new("MM0201", "Duplicate asset",
        "Asset '{0}' is defined more than once (first at line {1})", ManifestSeverity.Error, Semantics);

    /// <summary>MM0202: an asset reference that matches no asset.</summary>
    public static readonly ManifestDiagnosticDescriptor UnresolvedAssetReference = new("MM0202", "Unresolved asset reference",
        "Model '{0}' references asset '{1}', which no manifest defines{2}", ManifestSeverity.Error, Semantics);

    /// <summary>MM0203: sha256 is not 64 lowercase hex characters.</summary>
    public static readonly ManifestDiagnosticDescriptor InvalidSha256 = new("MM0203", "Invalid sha256",
        "'{0}' must be a SHA-256 digest of 64 lowercase hexadecimal characters, found '{2}'", ManifestSeverity.Error, Semantics);

    /// <summary>MM0204: a version that is not semver.</summary>
    public static readonly ManifestDiagnosticDescriptor InvalidVersion = new("MM0204", "Invalid semantic version",
        "'{0}' must be a semantic version such as 1.2.0, found '{2}'", ManifestSeverity.Error, Semantics);

    /// <summary>MM0205: a file name that could escape its folder or is not portable.</summary>
    public static readonly ManifestDiagnosticDescriptor UnsafeFileName = new("MM0205", "Unsafe file name",
        "File name '{0}' is not safe: {1}", ManifestSeverity.Error, Semantics);

    /// <summary>MM0206: an option whose default or allowed values contradict its type or bounds.</summary>
    public static readonly ManifestDiagnosticDescriptor InvalidOptionValue = new("MM0206", "Invalid option value",
        "Option '{0}': {1}", ManifestSeverity.Error, Semantics);

    /// <summary>MM0207: an integer that does not fit in 64 bits.</summary>
    public static readonly ManifestDiagnosticDescriptor IntegerOverflow = new("MM0207", "Integer out of range",
        "'{0}' must fit in a 64-bit integer, found {1}", ManifestSeverity.Error, Semantics);

    /// <summary>MM0208: a URL hint that is not an absolute http(s) URL.</summary>
    public static readonly ManifestDiagnosticDescriptor InvalidUrl = new("MM0208", "Invalid URL",
        "'{0}' must be an absolute http or https URL, found '{1}'", ManifestSeverity.Error, Semantics);

    /// <summary>MM0300: one asset key with two different digests in merged manifests.</summary>
    public static readonly ManifestDiagnosticDescriptor ConflictingAsset = new("MM0300", "Conflicting asset definitions",
        "Asset '{0}' has sha256 {1} in {2} but {3} in {4}", ManifestSeverity.Error, Merge);

    /// <summary>MM0301: a model replaced by a manifest of higher precedence.</summary>
    public static readonly ManifestDiagnosticDescriptor ModelOverridden = new("MM0301", "Model overridden",
        "Model '{0}' version {1} from {2} replaces the one from {3} (higher precedence)", ManifestSeverity.Info, Merge);

    /// <summary>All rules, in id order.</summary>
    public static IReadOnlyList<ManifestDiagnosticDescriptor> All { get; } = new[]
    {
        InvalidEncoding, InvalidJson, NestingTooDeep, DuplicateProperty, EmptyManifest, UnreadableManifest,
        InvalidSchemaVersion, UnsupportedSchemaMajor, NewerSchemaMinor,
        WrongType, MissingProperty, NotAllowedValue, PatternMismatch, OutOfRange, WrongLength, InvalidIdentifier, UnknownProperty,
        DuplicateModel, DuplicateAsset, UnresolvedAssetReference, InvalidSha256, InvalidVersion, UnsafeFileName, InvalidOptionValue, IntegerOverflow, InvalidUrl,
        ConflictingAsset, ModelOverridden,
    };

    /// <summary>Finds a rule by id, or <see langword="null"/>.</summary>
    public static ManifestDiagnosticDescriptor? Find(string id)
    {
        foreach (var d in All)
        {
            if (d.Id == id)
            {
                return d;
            }
        }

        return null;
    }
}
