using ModelManifest.Generator.Helpers;

namespace ModelManifest.Generator.Model;

/// <summary>A schema supplied as an AdditionalFile (<c>ModelManifestRole</c> metadata): its path and text.</summary>
internal sealed record SchemaFile(string Path, string Text);

/// <summary>
/// The schemas a run uses: an optional replacement of the embedded manifest schema and an optional extension schema
/// for models' <c>metadata</c>. Plain text, so it compares by value.
/// </summary>
internal sealed record SchemaInput(SchemaFile? ManifestSchema, SchemaFile? MetadataSchema, ImmutableEquatableArray<DiagnosticInfo> Diagnostics);
