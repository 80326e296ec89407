namespace ModelManifest;

/// <summary>What a model consumes.</summary>
public sealed record ModelInputs
{
    /// <summary>Input variables or tensors.</summary>
    public ImmutableArray<ModelVariable> Variables { get => _variables.OrEmpty(); init => _variables = value; }

    // Normalized in the getter: System.Text.Json's source generator assigns default to absent init-only members.
    private readonly ImmutableArray<ModelVariable> _variables;

    /// <summary>Input grid.</summary>
    public ModelGrid? Grid { get; init; }

    /// <summary>Time step between input states (ISO 8601 duration).</summary>
    public string? TimeStep { get; init; }

    /// <summary>Number of input states needed.</summary>
    public long? TimeSteps { get; init; }

    /// <summary>Unknown properties, kept for round-trips.</summary>
    [JsonExtensionData]
    [JsonInclude]
    public Dictionary<string, JsonElement>? AdditionalProperties { get; internal set; }
}
