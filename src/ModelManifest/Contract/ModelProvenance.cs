namespace ModelManifest;

/// <summary>Where a model came from.</summary>
public sealed record ModelProvenance
{
    /// <summary>Training framework.</summary>
    public string? Framework { get; init; }

    /// <summary>Training framework version.</summary>
    public string? FrameworkVersion { get; init; }

    /// <summary>Module versions at training time, by module name.</summary>
    public ImmutableDictionary<string, string> ModuleVersions { get => _moduleVersions ?? ImmutableDictionary<string, string>.Empty; init => _moduleVersions = value; }

    private readonly ImmutableDictionary<string, string>? _moduleVersions;

    /// <summary>Training run identifier.</summary>
    public string? TrainingRunId { get; init; }

    /// <summary>When the checkpoint was produced (ISO 8601).</summary>
    public string? CreatedAt { get; init; }

    /// <summary>Where the checkpoint was obtained.</summary>
    public string? Source { get; init; }

    /// <summary>Tool and version that wrote the entry.</summary>
    public string? ExtractedBy { get; init; }

    /// <summary>Unknown properties, kept for round-trips.</summary>
    [JsonExtensionData]
    [JsonInclude]
    public Dictionary<string, JsonElement>? AdditionalProperties { get; internal set; }
}
