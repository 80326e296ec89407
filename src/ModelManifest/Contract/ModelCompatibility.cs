namespace ModelManifest;

/// <summary>Where a model can run, as stated by its manifest. Evaluated softly at run time (a verdict with reasons).</summary>
public sealed record ModelCompatibility
{
    /// <summary>Runtime identifiers known to work, for example <c>linux-x64</c>. Empty means unknown.</summary>
    public ImmutableArray<string> Platforms { get => _platforms.OrEmpty(); init => _platforms = value; }

    // Normalized in the getter: System.Text.Json's source generator assigns default to absent init-only members.
    private readonly ImmutableArray<string> _platforms;

    /// <summary>Per accelerator name (cpu, cuda, metal, …) its status.</summary>
    public ImmutableDictionary<string, CompatibilityStatus> Accelerators { get => _accelerators ?? ImmutableDictionary<string, CompatibilityStatus>.Empty; init => _accelerators = value; }

    private readonly ImmutableDictionary<string, CompatibilityStatus>? _accelerators;

    /// <summary>Minimum accelerator memory in MiB, if stated.</summary>
    public long? MinGpuMemoryMiB { get; init; }

    /// <summary>Minimum host memory in MiB, if stated.</summary>
    public long? MinHostMemoryMiB { get; init; }

    /// <summary>Unknown properties, kept for round-trips.</summary>
    [JsonExtensionData]
    [JsonInclude]
    public Dictionary<string, JsonElement>? AdditionalProperties { get; internal set; }
}
