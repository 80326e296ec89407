namespace ModelManifest;

/// <summary>What a model consumes.</summary>
public sealed record ModelInputs
{
    /// <summary>Input variables or tensors.</summary>
    public ImmutableArray<ModelVariable> Variables { get; init; } = ImmutableArray<ModelVariable>.Empty;

    /// <summary>Input grid.</summary>
    public ModelGrid? Grid { get; init; }

    /// <summary>Time step between input states (ISO 8601 duration).</summary>
    public string? TimeStep { get; init; }

    /// <summary>Number of input states needed.</summary>
    public long? TimeSteps { get; init; }

    /// <summary>Unknown properties, kept for round-trips.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? AdditionalProperties { get; init; }
}
