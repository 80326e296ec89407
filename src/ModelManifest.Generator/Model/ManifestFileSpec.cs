using ModelManifest.Generator.Helpers;

namespace ModelManifest.Generator.Model;

/// <summary>
/// The result of parsing one <c>*.models.json</c>: its own diagnostics, and — when it has no errors — its models,
/// assets, references and validated text (embedded in the catalog and read once at run time).
/// </summary>
internal sealed record ManifestFileSpec(
    string Path,
    string? SchemaVersion,
    bool HasErrors,
    string? Text,
    ImmutableEquatableArray<DiagnosticInfo> Diagnostics,
    ImmutableEquatableArray<ModelVersionSpec> Models,
    ImmutableEquatableArray<AssetDefinitionSpec> Assets,
    ImmutableEquatableArray<AssetReferenceSpec> References);
