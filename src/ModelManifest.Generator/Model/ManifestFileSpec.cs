using ModelManifest.Generator.Helpers;

namespace ModelManifest.Generator.Model;

/// <summary>
/// The result of parsing one <c>*.models.json</c>: its own diagnostics, and what it adds to the catalog — its models,
/// assets and references, and the validated <see cref="Text"/> embedded for them (read once at run time). For a
/// manifest with errors that is its valid part (the models and assets without errors, as a manifest of their own),
/// or nothing (<see cref="Text"/> null: then only its assets and references are kept, for cross-file checks).
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
