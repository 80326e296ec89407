namespace ModelManifest;

/// <summary>What a model produces.</summary>
public sealed record ModelOutputs
{
    /// <summary>Output variables or tensors.</summary>
    public ImmutableArray<ModelVariable> Variables { get; init; } = ImmutableArray<ModelVariable>.Empty;

    /// <summary>Output grid.</summary>
    public ModelGrid? Grid { get; init; }

    /// <summary>Time step between output states (ISO 8601 duration).</summary>
    public string? TimeStep { get; init; }

    /// <summary>Lead times the model can produce (ISO 8601 durations).</summary>
    public ImmutableArray<string> LeadTimes { get; init; } = ImmutableArray<string>.Empty;

    /// <summary>Unknown properties, kept for round-trips.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? AdditionalProperties { get; init; }
}
