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

/// <summary>
/// Reads the metadata of an ONNX model (ModelProto) straight from the protobuf wire format, streaming over the file
/// and seeking past node lists and initializer payloads.
/// </summary>
/// <remarks>
/// Why not a library: ONNX Runtime's <c>InferenceSession</c> metadata does not expose opset imports or the IR
/// version, and it loads (and optimises) the whole model, weights included, which is what extraction must not do.
/// Protobuf-generated ONNX classes would materialise every initializer's <c>raw_data</c> in memory. This reader
/// decodes only the handful of ModelProto/GraphProto/ValueInfoProto/TypeProto fields listed below (field numbers
/// from onnx.proto), skips everything else by length, and checks each length against the enclosing message and the
/// file before using it. ONNX Runtime is still used to load models (<c>verify</c>, <c>log-run</c>) and the tests
/// compare this reader's inputs/outputs with ONNX Runtime's on real models.
/// </remarks>
public static class OnnxReader
{
    private const long MaxStringLength = 16 << 20;
    private const int MaxTypeNesting = 32;

    /// <summary>ONNX TensorProto.DataType names, indexed by enum value.</summary>
    private static readonly string[] ElementTypes =
    [
        "undefined", "float32", "uint8", "int8", "uint16", "int16", "int32", "int64", "string", "bool",
        "float16", "float64", "uint32", "uint64", "complex64", "complex128", "bfloat16",
        "float8e4m3fn", "float8e4m3fnuz", "float8e5m2", "float8e5m2fnuz", "uint4", "int4", "float4e2m1",
    ];

    /// <summary>The name of an ONNX element type number (<c>1</c> → <c>float32</c>).</summary>
    public static string ElementTypeName(long type) =>
        type >= 0 && type < ElementTypes.Length ? ElementTypes[type] : $"type{type}";

    /// <summary>Reads the model at <paramref name="path"/>.</summary>
    public static OnnxModelInfo ReadFile(string path)
    {
        return CheckpointFile.Read(path, Read);
    }

    /// <summary>Reads a ModelProto from a seekable stream positioned at its start.</summary>
    public static OnnxModelInfo Read(Stream stream)
    {
        var c = new BinaryCursor(stream, CheckpointFormat.Onnx);
        long irVersion = 0, modelVersion = 0;
        string? producer = null, producerVersion = null, domain = null;
        var opsets = ImmutableArray.CreateBuilder<OnnxOpsetImport>();
        var props = ImmutableSortedDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        Graph? graph = null;
        bool sawGraph = false;

        long end = c.Length;
        while (c.Position < end)
        {
            var (field, wire, at) = ReadTag(c, end);
            switch (field, wire)
            {
                case (1, 0): irVersion = (long)c.ReadVarint("ir_version"); break;
                case (2, 2): producer = ReadString(c, end, "producer_name"); break;
                case (3, 2): producerVersion = ReadString(c, end, "producer_version"); break;
                case (4, 2): domain = ReadString(c, end, "domain"); break;
                case (5, 0): modelVersion = (long)c.ReadVarint("model_version"); break;
                case (7, 2):
                    graph = ReadGraph(c, ReadLengthEnd(c, end, "graph"));
                    sawGraph = true;
                    break;
                case (8, 2): opsets.Add(ReadOpset(c, ReadLengthEnd(c, end, "opset_import"))); break;
                case (14, 2):
                    var (key, value) = ReadStringPair(c, ReadLengthEnd(c, end, "metadata_props"));
                    props[key] = value;
                    break;
                default: SkipField(c, wire, end, at, field); break;
            }
        }

        if (!sawGraph || graph is null)
        {
            throw c.Error(0, "no graph: this is not an ONNX ModelProto");
        }

        if (irVersion <= 0)
        {
            throw c.Error(0, "ir_version is missing: this is not an ONNX ModelProto");
        }

        var initializers = graph.Initializers;
        var inputs = graph.Inputs.Where(i => !initializers.Contains(i.Name)).ToImmutableArray();
        return new OnnxModelInfo(irVersion, producer, producerVersion, domain, modelVersion, graph.Name,
            opsets.ToImmutable(), inputs, graph.Outputs.ToImmutable(), props.ToImmutable(), initializers.Count);
    }

    private sealed class Graph
    {
        public string? Name;
        public readonly ImmutableArray<OnnxValueInfo>.Builder Inputs = ImmutableArray.CreateBuilder<OnnxValueInfo>();
        public readonly ImmutableArray<OnnxValueInfo>.Builder Outputs = ImmutableArray.CreateBuilder<OnnxValueInfo>();
        public readonly HashSet<string> Initializers = new(StringComparer.Ordinal);
    }

    private static Graph ReadGraph(BinaryCursor c, long end)
    {
        var g = new Graph();
        while (c.Position < end)
        {
            var (field, wire, at) = ReadTag(c, end);
            switch (field, wire)
            {
                case (2, 2): g.Name = ReadString(c, end, "graph name"); break;
                case (5, 2): g.Initializers.Add(ReadTensorName(c, ReadLengthEnd(c, end, "initializer"), 8)); break;
                case (15, 2): g.Initializers.Add(ReadSparseTensorName(c, ReadLengthEnd(c, end, "sparse_initializer"))); break;
                case (11, 2): g.Inputs.Add(ReadValueInfo(c, ReadLengthEnd(c, end, "graph input"))); break;
                case (12, 2): g.Outputs.Add(ReadValueInfo(c, ReadLengthEnd(c, end, "graph output"))); break;
                default: SkipField(c, wire, end, at, field); break;
            }
        }

        return g;
    }

    /// <summary>Reads only the name (field <paramref name="nameField"/>) of a TensorProto, skipping its data.</summary>
    private static string ReadTensorName(BinaryCursor c, long end, int nameField)
    {
        string name = "";
        while (c.Position < end)
        {
            var (field, wire, at) = ReadTag(c, end);
            if (field == nameField && wire == 2)
            {
                name = ReadString(c, end, "initializer name");
            }
            else
            {
                SkipField(c, wire, end, at, field);
            }
        }

        return name;
    }

    private static string ReadSparseTensorName(BinaryCursor c, long end)
    {
        // SparseTensorProto: values = 1 (TensorProto carrying the name).
        string name = "";
        while (c.Position < end)
        {
            var (field, wire, at) = ReadTag(c, end);
            if (field == 1 && wire == 2)
            {
                name = ReadTensorName(c, ReadLengthEnd(c, end, "sparse values"), 8);
            }
            else
            {
                SkipField(c, wire, end, at, field);
            }
        }

        return name;
    }

    private static OnnxValueInfo ReadValueInfo(BinaryCursor c, long end)
    {
        string name = "";
        OnnxValueInfo type = new("", "unknown", null, default);
        while (c.Position < end)
        {
            var (field, wire, at) = ReadTag(c, end);
            switch (field, wire)
            {
                case (1, 2): name = ReadString(c, end, "value name"); break;
                case (2, 2): type = ReadType(c, ReadLengthEnd(c, end, "value type"), 0); break;
                default: SkipField(c, wire, end, at, field); break;
            }
        }

        return type with { Name = name };
    }

    /// <summary>TypeProto: tensor_type 1, sequence_type 4, map_type 5, sparse_tensor_type 8, optional_type 9.</summary>
    private static OnnxValueInfo ReadType(BinaryCursor c, long end, int depth)
    {
        if (depth > MaxTypeNesting)
        {
            throw c.Error($"type nesting deeper than {MaxTypeNesting}");
        }

        OnnxValueInfo result = new("", "unknown", null, default);
        while (c.Position < end)
        {
            var (field, wire, at) = ReadTag(c, end);
            switch (field, wire)
            {
                case (1, 2): result = ReadTensorType(c, ReadLengthEnd(c, end, "tensor_type"), "tensor"); break;
                case (8, 2): result = ReadTensorType(c, ReadLengthEnd(c, end, "sparse_tensor_type"), "sparse_tensor"); break;
                case (4, 2) or (9, 2):
                    // Sequence and Optional wrap one TypeProto as field 1.
                    string kind = field == 4 ? "sequence" : "optional";
                    long innerEnd = ReadLengthEnd(c, end, kind + "_type");
                    OnnxValueInfo inner = result with { Kind = kind };
                    while (c.Position < innerEnd)
                    {
                        var (f, w, a) = ReadTag(c, innerEnd);
                        if (f == 1 && w == 2)
                        {
                            OnnxValueInfo element = ReadType(c, ReadLengthEnd(c, innerEnd, "element type"), depth + 1);
                            inner = new OnnxValueInfo("", kind, element.ElementType, default);
                        }
                        else
                        {
                            SkipField(c, w, innerEnd, a, f);
                        }
                    }

                    result = inner;
                    break;
                case (5, 2):
                    SkipField(c, wire, end, at, field);
                    result = new OnnxValueInfo("", "map", null, default);
                    break;
                default: SkipField(c, wire, end, at, field); break;
            }
        }

        return result;
    }

    /// <summary>TypeProto.Tensor: elem_type 1, shape 2 (TensorShapeProto: dim 1 = { dim_value 1, dim_param 2 }).</summary>
    private static OnnxValueInfo ReadTensorType(BinaryCursor c, long end, string kind)
    {
        string? elementType = null;
        ImmutableArray<OnnxDimension> shape = default;
        while (c.Position < end)
        {
            var (field, wire, at) = ReadTag(c, end);
            switch (field, wire)
            {
                case (1, 0): elementType = ElementTypeName((long)c.ReadVarint("elem_type")); break;
                case (2, 2):
                    long shapeEnd = ReadLengthEnd(c, end, "shape");
                    var dims = ImmutableArray.CreateBuilder<OnnxDimension>();
                    while (c.Position < shapeEnd)
                    {
                        var (f, w, a) = ReadTag(c, shapeEnd);
                        if (f == 1 && w == 2)
                        {
                            dims.Add(ReadDimension(c, ReadLengthEnd(c, shapeEnd, "dim")));
                        }
                        else
                        {
                            SkipField(c, w, shapeEnd, a, f);
                        }
                    }

                    shape = dims.ToImmutable();
                    break;
                default: SkipField(c, wire, end, at, field); break;
            }
        }

        return new OnnxValueInfo("", kind, elementType, shape);
    }

    private static OnnxDimension ReadDimension(BinaryCursor c, long end)
    {
        long? value = null;
        string? symbol = null;
        while (c.Position < end)
        {
            var (field, wire, at) = ReadTag(c, end);
            switch (field, wire)
            {
                case (1, 0): value = (long)c.ReadVarint("dim_value"); break;
                case (2, 2): symbol = ReadString(c, end, "dim_param"); break;
                default: SkipField(c, wire, end, at, field); break;
            }
        }

        return new OnnxDimension(value, symbol);
    }

    private static OnnxOpsetImport ReadOpset(BinaryCursor c, long end)
    {
        string domain = "";
        long version = 0;
        while (c.Position < end)
        {
            var (field, wire, at) = ReadTag(c, end);
            switch (field, wire)
            {
                case (1, 2): domain = ReadString(c, end, "opset domain"); break;
                case (2, 0): version = (long)c.ReadVarint("opset version"); break;
                default: SkipField(c, wire, end, at, field); break;
            }
        }

        return new OnnxOpsetImport(domain, version);
    }

    private static (string Key, string Value) ReadStringPair(BinaryCursor c, long end)
    {
        string key = "", value = "";
        while (c.Position < end)
        {
            var (field, wire, at) = ReadTag(c, end);
            switch (field, wire)
            {
                case (1, 2): key = ReadString(c, end, "metadata key"); break;
                case (2, 2): value = ReadString(c, end, "metadata value"); break;
                default: SkipField(c, wire, end, at, field); break;
            }
        }

        return (key, value);
    }

    private static (int Field, int Wire, long At) ReadTag(BinaryCursor c, long end)
    {
        long at = c.Position;
        ulong tag = c.ReadVarint("field tag");
        int field = (int)Math.Min(tag >> 3, int.MaxValue);
        if (field == 0)
        {
            throw c.Error(at, "field number 0 is invalid (not a protobuf message, or corrupt)");
        }

        if (c.Position > end)
        {
            throw c.Error(at, "field tag runs past the end of its message");
        }

        return (field, (int)(tag & 7), at);
    }

    /// <summary>Reads a length prefix and returns the absolute end of the payload, checked against the parent's end.</summary>
    private static long ReadLengthEnd(BinaryCursor c, long parentEnd, string what)
    {
        long at = c.Position;
        ulong length = c.ReadVarint(what + " length");
        if (length > (ulong)(parentEnd - c.Position))
        {
            throw c.Error(at, $"{what} length {length} runs past the end of its enclosing message ({parentEnd - c.Position} bytes left)");
        }

        return c.Position + (long)length;
    }

    private static string ReadString(BinaryCursor c, long parentEnd, string what)
    {
        long end = ReadLengthEnd(c, parentEnd, what);
        return c.ReadUtf8((ulong)(end - c.Position), MaxStringLength, what);
    }

    private static void SkipField(BinaryCursor c, int wire, long end, long at, int field)
    {
        switch (wire)
        {
            case 0: c.ReadVarint($"field {field}"); break;
            case 1: c.Skip(8, $"field {field}"); break;
            case 2: c.Seek(ReadLengthEnd(c, end, $"field {field}")); break;
            case 5: c.Skip(4, $"field {field}"); break;
            default: throw c.Error(at, $"field {field} has unsupported wire type {wire}");
        }

        if (c.Position > end)
        {
            throw c.Error(at, $"field {field} runs past the end of its message");
        }
    }
}
