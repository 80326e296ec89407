using ModelManifest.Generator.Helpers;

namespace ModelManifest.Generator.Model;

/// <summary>
/// A model option as a catalog member. <see cref="ValueType"/> is the C# type of its values: integer → int when its
/// bounds fit in 32 bits, else long; number → double; string → string; boolean → bool.
/// </summary>
internal sealed record OptionSpec(
    string Name,
    string TypeName,
    string JsonName,
    string OptionType,
    string ValueType,
    string? Default,
    string? Minimum,
    string? Maximum,
    ImmutableEquatableArray<string> AllowedValues,
    string? Description);
