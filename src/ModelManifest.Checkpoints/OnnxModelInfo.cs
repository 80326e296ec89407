using System.Collections.Immutable;

namespace ModelManifest.Checkpoints;

/// <summary>One dimension of an ONNX tensor shape: a size, a symbolic name, or unknown (both null).</summary>
public sealed record OnnxDimension(long? Value, string? Symbol)
{
    /// <inheritdoc />
    public override string ToString() => Value?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? Symbol ?? "?";
}

/// <summary>A graph input or output: name, kind (tensor, sequence, map, optional, sparse_tensor), element type and shape.</summary>
/// <param name="Name">Value name.</param>
/// <param name="Kind">tensor, sparse_tensor, sequence, map, optional, or unknown.</param>
/// <param name="ElementType">Element type as a lower-case name such as <c>float32</c> (innermost tensor for sequences/optionals), or null.</param>
/// <param name="Shape">Dimensions, or default when the shape is not stated (unknown rank).</param>
public sealed record OnnxValueInfo(string Name, string Kind, string? ElementType, ImmutableArray<OnnxDimension> Shape)
{
    /// <summary>Whether a shape (possibly rank 0) is stated.</summary>
    public bool HasShape => !Shape.IsDefault;
}

/// <summary>An operator set import: domain ("" is the default ai.onnx domain) and version.</summary>
public sealed record OnnxOpsetImport(string Domain, long Version);

/// <summary>The metadata of an ONNX model read from its ModelProto.</summary>
public sealed record OnnxModelInfo(
    long IrVersion,
    string? ProducerName,
    string? ProducerVersion,
    string? Domain,
    long ModelVersion,
    string? GraphName,
    ImmutableArray<OnnxOpsetImport> OpsetImports,
    ImmutableArray<OnnxValueInfo> Inputs,
    ImmutableArray<OnnxValueInfo> Outputs,
    ImmutableSortedDictionary<string, string> MetadataProps,
    int InitializerCount);
