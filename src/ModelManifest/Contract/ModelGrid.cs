namespace ModelManifest;

/// <summary>The spatial grid of a model's inputs or outputs.</summary>
public sealed record ModelGrid
{
    /// <summary>Grid name, for example <c>O96</c>.</summary>
    public required string Name { get; init; }

    /// <summary>Nominal resolution.</summary>
    public string? Resolution { get; init; }

    /// <summary>Number of grid points.</summary>
    public long? Points { get; init; }

    /// <summary>Unknown properties, kept for round-trips.</summary>
    [JsonExtensionData]
    [JsonInclude]
    public Dictionary<string, JsonElement>? AdditionalProperties { get; internal set; }
}
