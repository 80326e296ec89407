namespace ModelManifest.Checkpoints;

/// <summary>
/// Upper bounds on the counts a checkpoint header may declare. They keep a reader's memory bounded by a small
/// multiple of the limits rather than by whatever a (possibly sparse or hostile) file declares: a 4 KB sparse
/// file that claims tens of millions of tensors is refused before any of them is read. Raise them for a
/// checkpoint that really needs more.
/// </summary>
public sealed class CheckpointLimits
{
    /// <summary>Default for <see cref="MaxTensors"/>; the largest published checkpoints hold tens of thousands.</summary>
    public const long DefaultMaxTensors = 100_000;

    /// <summary>Default for <see cref="MaxMetadataEntries"/>; real GGUF files carry fewer than a hundred.</summary>
    public const long DefaultMaxMetadataEntries = 100_000;

    /// <summary>The default limits.</summary>
    public static CheckpointLimits Default { get; } = new();

    /// <summary>Most tensors a header may declare (default <see cref="DefaultMaxTensors"/>).</summary>
    public long MaxTensors { get; init; } = DefaultMaxTensors;

    /// <summary>Most metadata key/value pairs a header may declare (default <see cref="DefaultMaxMetadataEntries"/>).</summary>
    public long MaxMetadataEntries { get; init; } = DefaultMaxMetadataEntries;
}
