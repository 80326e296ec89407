namespace ModelManifest;

/// <summary>Software a model needs: package constraints and runtime versions.</summary>
public sealed record ModelRequirements
{
    /// <summary>Package constraints.</summary>
    public ImmutableArray<PackageRequirement> Packages { get; init; } = ImmutableArray<PackageRequirement>.Empty;

    /// <summary>Runtime or language versions.</summary>
    public ImmutableArray<PackageRequirement> Runtimes { get; init; } = ImmutableArray<PackageRequirement>.Empty;

    /// <summary>Unknown properties, kept for round-trips.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? AdditionalProperties { get; init; }
}
