namespace ModelManifest;

/// <summary>A configuration option of a model, for example the number of ensemble members.</summary>
public sealed record ModelOption
{
    /// <summary>Option name.</summary>
    public required string Name { get; init; }

    /// <summary>Value type: integer, number, string or boolean.</summary>
    public required string Type { get; init; }

    /// <summary>What the option controls.</summary>
    public string? Description { get; init; }

    /// <summary>Default value as JSON, or <see langword="null"/> when none is given.</summary>
    public JsonElement? Default { get; init; }

    /// <summary>Smallest allowed value.</summary>
    public double? Minimum { get; init; }

    /// <summary>Largest allowed value.</summary>
    public double? Maximum { get; init; }

    /// <summary>The only values allowed, when the option is an enumeration.</summary>
    public ImmutableArray<JsonElement> AllowedValues { get => _allowedValues.OrEmpty(); init => _allowedValues = value; }

    // Normalized in the getter: System.Text.Json's source generator assigns default to absent init-only members.
    private readonly ImmutableArray<JsonElement> _allowedValues;

    /// <summary>Unknown properties, kept for round-trips.</summary>
    [JsonExtensionData]
    [JsonInclude]
    public Dictionary<string, JsonElement>? AdditionalProperties { get; internal set; }
}
