namespace ModelManifest;

/// <summary>Software a model needs: package constraints and runtime versions.</summary>
public sealed record ModelRequirements
{
    /// <summary>Package constraints.</summary>
    public ImmutableArray<PackageRequirement> Packages { get => _packages.OrEmpty(); init => _packages = value; }

    // Normalized in the getter: System.Text.Json's source generator assigns default to absent init-only members.
    private readonly ImmutableArray<PackageRequirement> _packages;

    /// <summary>Runtime or language versions.</summary>
    public ImmutableArray<PackageRequirement> Runtimes { get => _runtimes.OrEmpty(); init => _runtimes = value; }

    // Normalized in the getter: System.Text.Json's source generator assigns default to absent init-only members.
    private readonly ImmutableArray<PackageRequirement> _runtimes;

    /// <summary>Unknown properties, kept for round-trips.</summary>
    [JsonExtensionData]
    [JsonInclude]
    public Dictionary<string, JsonElement>? AdditionalProperties { get; internal set; }
}
