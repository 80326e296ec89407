namespace ModelManifest.Generator.Model;

/// <summary>
/// One typed, documented member derived from a schema property: C# name, the JSON name it comes from, its C# type,
/// the C# expression of its value in this model, and the documentation from the schema.
/// </summary>
internal sealed record MemberSpec(string Name, string JsonName, string TypeName, string Value, string? Documentation, string? Remarks);
