namespace ModelManifest.Generator.Model;

/// <summary>A model's asset reference as a catalog member: named by role, else by asset id.</summary>
internal sealed record AssetMemberSpec(string Name, string Id, string? Tag, string? Role);
