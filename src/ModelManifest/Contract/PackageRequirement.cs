namespace ModelManifest;

/// <summary>A named package or runtime with a version constraint.</summary>
public sealed record PackageRequirement
{
    /// <summary>Package or runtime name, for example <c>torch</c>.</summary>
    public required string Name { get; init; }

    /// <summary>Constraint in the ecosystem's syntax, for example <c>&gt;=2.4,&lt;2.6</c>.</summary>
    public string? Version { get; init; }

    /// <summary>Ecosystem: pypi, conda, nuget, npm, system or other.</summary>
    public string? Ecosystem { get; init; }

    /// <summary>Unknown properties, kept for round-trips.</summary>
    [JsonExtensionData]
    [JsonInclude]
    public Dictionary<string, JsonElement>? AdditionalProperties { get; internal set; }
}
