namespace ModelManifest;

/// <summary>A named input or output: a physical variable or a tensor.</summary>
public sealed record ModelVariable
{
    /// <summary>Variable or tensor name.</summary>
    public required string Name { get; init; }

    /// <summary>What the variable is.</summary>
    public string? Description { get; init; }

    /// <summary>Physical units.</summary>
    public string? Units { get; init; }

    /// <summary>Vertical levels.</summary>
    public ImmutableArray<double> Levels { get => _levels.OrEmpty(); init => _levels = value; }

    // Normalized in the getter: System.Text.Json's source generator assigns default to absent init-only members.
    private readonly ImmutableArray<double> _levels;

    /// <summary>Element type, for example <c>float32</c>.</summary>
    public string? DataType { get; init; }

    /// <summary>Tensor shape: each dimension is a JSON number (size) or string (symbolic name).</summary>
    public ImmutableArray<JsonElement> Shape { get => _shape.OrEmpty(); init => _shape = value; }

    // Normalized in the getter: System.Text.Json's source generator assigns default to absent init-only members.
    private readonly ImmutableArray<JsonElement> _shape;

    /// <summary>Unknown properties, kept for round-trips.</summary>
    [JsonExtensionData]
    [JsonInclude]
    public Dictionary<string, JsonElement>? AdditionalProperties { get; internal set; }
}
