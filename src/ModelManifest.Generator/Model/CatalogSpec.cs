using ModelManifest.Generator.Helpers;

namespace ModelManifest.Generator.Model;

/// <summary>The whole catalog after cross-file resolution: what <c>Models.g.cs</c> is emitted from.</summary>
internal sealed record CatalogSpec(
    string Namespace,
    string ClassName,
    string SchemaVersion,
    ImmutableEquatableArray<ModelGroupSpec> Models,
    ImmutableEquatableArray<EmbeddedManifestSpec> Manifests,
    ImmutableEquatableArray<MetadataMemberSpec>? MetadataShape,
    bool Utf8Literals,
    ImmutableEquatableArray<DiagnosticInfo> Diagnostics);

/// <summary>All versions of one model id, newest first; <see cref="Latest"/> indexes the latest.</summary>
internal sealed record ModelGroupSpec(string Id, string Name, string TypeName, int Latest, ImmutableEquatableArray<ModelVersionSpec> Versions);

/// <summary>A manifest (or the valid part of one) embedded in the catalog as UTF-8 data, read at run time.</summary>
internal sealed record EmbeddedManifestSpec(string Path, string Text);

/// <summary>A member of the generated metadata record, from the extension schema.</summary>
internal sealed record MetadataMemberSpec(string Name, string TypeName, string? Documentation);
