using System.Collections.Immutable;

namespace ModelManifest.Checkpoints;

/// <summary>One entry of a PyTorch zip checkpoint.</summary>
public sealed record TorchZipEntry(string Name, long Length, long CompressedLength);

/// <summary>What a PyTorch zip checkpoint contains and what its embedded metadata says.</summary>
/// <param name="ArchiveName">The archive's top folder (torch writes <c>&lt;name&gt;/data.pkl</c>).</param>
/// <param name="Entries">All zip entries.</param>
/// <param name="MetadataEntry">Name of the embedded metadata JSON that was read, or null.</param>
/// <param name="MetadataJson">The embedded metadata JSON text, or null.</param>
/// <param name="Metadata">Fields mapped from the embedded metadata.</param>
public sealed record TorchCheckpointInfo(
    string ArchiveName,
    ImmutableArray<TorchZipEntry> Entries,
    string? MetadataEntry,
    string? MetadataJson,
    TorchMetadata Metadata)
{
    /// <summary>
    /// True for the pre-1.6 format (<c>_use_new_zipfile_serialization=False</c>): a sequence of pickles followed by
    /// raw storages, not a zip; <see cref="Entries"/> is then empty.
    /// </summary>
    public bool Legacy { get; init; }

    /// <summary>The tensors the pickle describes, in pickle order (no tensor data is read).</summary>
    public ImmutableArray<TorchTensor> Tensors { get; init; } = ImmutableArray<TorchTensor>.Empty;

    /// <summary>Globals the pickle names that <c>torch.load(weights_only=True)</c> refuses; empty for a safe checkpoint.</summary>
    public ImmutableArray<TorchUnsafeGlobal> UnsafeGlobals { get; init; } = ImmutableArray<TorchUnsafeGlobal>.Empty;

    /// <summary>Tensors not backed by data (a missing storage, a view beyond its storage) and unreadable tensor records.</summary>
    public ImmutableArray<string> Problems { get; init; } = ImmutableArray<string>.Empty;

    /// <summary>The string keys of the top-level dict (for example <c>state_dict</c>, <c>hyper_parameters</c>), at most 100.</summary>
    public ImmutableArray<string> TopLevelKeys { get; init; } = ImmutableArray<string>.Empty;

    /// <summary>Sum of the tensors' element counts.</summary>
    public long ParameterCount => Tensors.Sum(t => t.ElementCount);

    /// <summary>Whether a weights-only load would accept the pickle and every tensor is backed by data.</summary>
    public bool IsSafe => UnsafeGlobals.IsEmpty && Problems.IsEmpty;
}

/// <summary>Fields mapped from an embedded weather-model metadata file (anemoi.json / ai-models.json).</summary>
public sealed record TorchMetadata
{
    /// <summary>Dataset variables (input variables of the model).</summary>
    public ImmutableArray<string> Variables { get; init; } = ImmutableArray<string>.Empty;

    /// <summary>Time step as an ISO 8601 duration, e.g. <c>PT6H</c>.</summary>
    public string? TimeStep { get; init; }

    /// <summary>Number of input states (multistep input).</summary>
    public long? InputTimeSteps { get; init; }

    /// <summary>Grid name such as <c>O96</c> or <c>N320</c>.</summary>
    public string? Grid { get; init; }

    /// <summary>Number of grid points.</summary>
    public long? GridPoints { get; init; }

    /// <summary>Module versions at training time (<c>provenance_training.module_versions</c>).</summary>
    public ImmutableSortedDictionary<string, string> ModuleVersions { get; init; } = ImmutableSortedDictionary<string, string>.Empty;

    /// <summary>Python version at training time.</summary>
    public string? PythonVersion { get; init; }

    /// <summary>Training run id.</summary>
    public string? RunId { get; init; }

    /// <summary>When the checkpoint was written.</summary>
    public string? CreatedAt { get; init; }

    /// <summary>The framework that wrote the metadata (<c>anemoi</c> or <c>ai-models</c>).</summary>
    public string? Framework { get; init; }
}
