namespace ModelManifest;

/// <summary>Where a model can run, as stated by its manifest. Evaluated softly at run time (a verdict with reasons).</summary>
public sealed record ModelCompatibility
{
    /// <summary>Runtime identifiers known to work, for example <c>linux-x64</c>. Empty means unknown.</summary>
    public ImmutableArray<string> Platforms { get; init; } = ImmutableArray<string>.Empty;

    /// <summary>Per accelerator name (cpu, cuda, metal, …) its status.</summary>
    public ImmutableDictionary<string, CompatibilityStatus> Accelerators { get; init; } = ImmutableDictionary<string, CompatibilityStatus>.Empty;

    /// <summary>Minimum accelerator memory in MiB, if stated.</summary>
    public long? MinGpuMemoryMiB { get; init; }

    /// <summary>Minimum host memory in MiB, if stated.</summary>
    public long? MinHostMemoryMiB { get; init; }

    /// <summary>Unknown properties, kept for round-trips.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? AdditionalProperties { get; init; }
}
