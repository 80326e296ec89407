namespace ModelManifest;

/// <summary>What a model produces.</summary>
public sealed record ModelOutputs
{
    /// <summary>Output variables or tensors.</summary>
    public ImmutableArray<ModelVariable> Variables { get => _variables.OrEmpty(); init => _variables = value; }

    // Normalized in the getter: System.Text.Json's source generator assigns default to absent init-only members.
    private readonly ImmutableArray<ModelVariable> _variables;

    /// <summary>Output grid.</summary>
    public ModelGrid? Grid { get; init; }

    /// <summary>Time step between output states (ISO 8601 duration).</summary>
    public string? TimeStep { get; init; }

    /// <summary>Lead times the model can produce (ISO 8601 durations).</summary>
    public ImmutableArray<string> LeadTimes { get => _leadTimes.OrEmpty(); init => _leadTimes = value; }

    // Normalized in the getter: System.Text.Json's source generator assigns default to absent init-only members.
    private readonly ImmutableArray<string> _leadTimes;

    /// <summary>Unknown properties, kept for round-trips.</summary>
    [JsonExtensionData]
    [JsonInclude]
    public Dictionary<string, JsonElement>? AdditionalProperties { get; internal set; }
}
