namespace ModelManifest;

/// <summary>One version of one model, as described by a manifest. Immutable.</summary>
public sealed record ModelInfo
{
    /// <summary>Stable model identifier.</summary>
    public required string Id { get; init; }

    /// <summary>Semantic version of this entry.</summary>
    public required string Version { get; init; }

    /// <summary>Human-readable name.</summary>
    public string? DisplayName { get; init; }

    /// <summary>What the model does.</summary>
    public string? Description { get; init; }

    /// <summary>Who produced the model.</summary>
    public string? Author { get; init; }

    /// <summary>Free-form labels.</summary>
    public ImmutableArray<string> Tags { get => _tags.OrEmpty(); init => _tags = value; }

    // Normalized in the getter: System.Text.Json's source generator assigns default to absent init-only members.
    private readonly ImmutableArray<string> _tags;

    /// <summary>Release stage (schema 1.1); <see cref="ModelStage.Undefined"/> when the manifest predates it or omits it.</summary>
    public ModelStage Stage { get; init; }

    /// <summary>References to the assets this model needs.</summary>
    public ImmutableArray<AssetReference> Assets { get => _assets.OrEmpty(); init => _assets = value; }

    // Normalized in the getter: System.Text.Json's source generator assigns default to absent init-only members.
    private readonly ImmutableArray<AssetReference> _assets;

    /// <summary>Software requirements, or <see langword="null"/>.</summary>
    public ModelRequirements? Requirements { get; init; }

    /// <summary>Stated compatibility, or <see langword="null"/> (everything unknown).</summary>
    public ModelCompatibility? Compatibility { get; init; }

    /// <summary>Configuration options.</summary>
    public ImmutableArray<ModelOption> Options { get => _options.OrEmpty(); init => _options = value; }

    // Normalized in the getter: System.Text.Json's source generator assigns default to absent init-only members.
    private readonly ImmutableArray<ModelOption> _options;

    /// <summary>Inputs, or <see langword="null"/>.</summary>
    public ModelInputs? Inputs { get; init; }

    /// <summary>Outputs, or <see langword="null"/>.</summary>
    public ModelOutputs? Outputs { get; init; }

    /// <summary>Provenance, or <see langword="null"/>.</summary>
    public ModelProvenance? Provenance { get; init; }

    /// <summary>Open provider-specific metadata, or <see langword="null"/>.</summary>
    public JsonElement? Metadata { get; init; }

    /// <summary>The parsed <see cref="Version"/>.</summary>
    [JsonIgnore]
    public SemanticVersion SemanticVersion => SemanticVersion.Parse(Version);

    /// <summary>Unknown properties, kept so that a newer manifest round-trips unchanged.</summary>
    [JsonExtensionData]
    [JsonInclude]
    public Dictionary<string, JsonElement>? AdditionalProperties { get; internal set; }
}
