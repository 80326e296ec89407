using ModelManifest.Generator.Helpers;

namespace ModelManifest.Generator.Model;

/// <summary>One model version of one manifest, everything the emitter needs, as equatable data.</summary>
internal sealed record ModelVersionSpec(
    string Id,
    string Version,
    string SchemaVersion,
    string Name,
    string VersionName,
    string? Description,
    ImmutableEquatableArray<MemberSpec> Members,
    ImmutableEquatableArray<AssetMemberSpec> Assets,
    ImmutableEquatableArray<OptionSpec> Options,
    ImmutableEquatableArray<MemberSpec>? Metadata,
    LocatedText IdLocation,
    LocatedText VersionLocation);

/// <summary>A piece of manifest text with where it is, to locate cross-file diagnostics.</summary>
internal sealed record LocatedText(string Text, string Path, int Start, int Length, int StartLine, int StartColumn, int EndLine, int EndColumn);

/// <summary>An asset definition (id, tag, digest) with its location, for cross-file checks.</summary>
internal sealed record AssetDefinitionSpec(string Key, string Sha256, LocatedText Location);

/// <summary>An asset reference of a model, resolved only when every manifest is known.</summary>
internal sealed record AssetReferenceSpec(string ModelId, string Id, string? Tag, LocatedText Location);
