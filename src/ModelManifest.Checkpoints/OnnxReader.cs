using System.Collections.Immutable;

namespace ModelManifest.Checkpoints;

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
    private const int MaxTypeNesting = 32;

    /// <summary>ONNX TensorProto.DataType names, indexed by enum value.</summary>
    private static readonly string[] s_elementTypes =
    [
        "undefined", "float32", "uint8", "int8", "uint16", "int16", "int32", "int64", "string", "bool",
        "float16", "float64", "uint32", "uint64", "complex64", "complex128", "bfloat16",
        "float8e4m3fn", "float8e4m3fnuz", "float8e5m2", "float8e5m2fnuz", "uint4", "int4", "float4e2m1",
    ];

    /// <summary>The name of an ONNX element type number (<c>1</c> → <c>float32</c>).</summary>
    public static string ElementTypeName(long type) =>
        type >= 0 && type < s_elementTypes.Length ? s_elementTypes[type] : $"type{type}";

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
            var (field, wire, at) = ProtobufWire.ReadTag(c, end);
            switch (field, wire)
            {
                case (1, 0): irVersion = (long)c.ReadVarint("ir_version"); break;
                case (2, 2): producer = ProtobufWire.ReadString(c, end, "producer_name"); break;
                case (3, 2): producerVersion = ProtobufWire.ReadString(c, end, "producer_version"); break;
                case (4, 2): domain = ProtobufWire.ReadString(c, end, "domain"); break;
                case (5, 0): modelVersion = (long)c.ReadVarint("model_version"); break;
                case (7, 2):
                    graph = ReadGraph(c, ProtobufWire.ReadLengthEnd(c, end, "graph"));
                    sawGraph = true;
                    break;
                case (8, 2): opsets.Add(ReadOpset(c, ProtobufWire.ReadLengthEnd(c, end, "opset_import"))); break;
                case (14, 2):
                    var (key, value) = ReadStringPair(c, ProtobufWire.ReadLengthEnd(c, end, "metadata_props"));
                    props[key] = value;
                    break;
                default: ProtobufWire.SkipField(c, wire, end, at, field); break;
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
            var (field, wire, at) = ProtobufWire.ReadTag(c, end);
            switch (field, wire)
            {
                case (2, 2): g.Name = ProtobufWire.ReadString(c, end, "graph name"); break;
                case (5, 2): g.Initializers.Add(ReadTensorName(c, ProtobufWire.ReadLengthEnd(c, end, "initializer"), 8)); break;
                case (15, 2): g.Initializers.Add(ReadSparseTensorName(c, ProtobufWire.ReadLengthEnd(c, end, "sparse_initializer"))); break;
                case (11, 2): g.Inputs.Add(ReadValueInfo(c, ProtobufWire.ReadLengthEnd(c, end, "graph input"))); break;
                case (12, 2): g.Outputs.Add(ReadValueInfo(c, ProtobufWire.ReadLengthEnd(c, end, "graph output"))); break;
                default: ProtobufWire.SkipField(c, wire, end, at, field); break;
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
            var (field, wire, at) = ProtobufWire.ReadTag(c, end);
            if (field == nameField && wire == 2)
            {
                name = ProtobufWire.ReadString(c, end, "initializer name");
            }
            else
            {
                ProtobufWire.SkipField(c, wire, end, at, field);
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
            var (field, wire, at) = ProtobufWire.ReadTag(c, end);
            if (field == 1 && wire == 2)
            {
                name = ReadTensorName(c, ProtobufWire.ReadLengthEnd(c, end, "sparse values"), 8);
            }
            else
            {
                ProtobufWire.SkipField(c, wire, end, at, field);
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
            var (field, wire, at) = ProtobufWire.ReadTag(c, end);
            switch (field, wire)
            {
                case (1, 2): name = ProtobufWire.ReadString(c, end, "value name"); break;
                case (2, 2): type = ReadType(c, ProtobufWire.ReadLengthEnd(c, end, "value type"), 0); break;
                default: ProtobufWire.SkipField(c, wire, end, at, field); break;
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
            var (field, wire, at) = ProtobufWire.ReadTag(c, end);
            switch (field, wire)
            {
                case (1, 2): result = ReadTensorType(c, ProtobufWire.ReadLengthEnd(c, end, "tensor_type"), "tensor"); break;
                case (8, 2): result = ReadTensorType(c, ProtobufWire.ReadLengthEnd(c, end, "sparse_tensor_type"), "sparse_tensor"); break;
                case (4, 2) or (9, 2):
                    // Sequence and Optional wrap one TypeProto as field 1.
                    string kind = field == 4 ? "sequence" : "optional";
                    long innerEnd = ProtobufWire.ReadLengthEnd(c, end, kind + "_type");
                    OnnxValueInfo inner = result with { Kind = kind };
                    while (c.Position < innerEnd)
                    {
                        var (f, w, a) = ProtobufWire.ReadTag(c, innerEnd);
                        if (f == 1 && w == 2)
                        {
                            OnnxValueInfo element = ReadType(c, ProtobufWire.ReadLengthEnd(c, innerEnd, "element type"), depth + 1);
                            inner = new OnnxValueInfo("", kind, element.ElementType, default);
                        }
                        else
                        {
                            ProtobufWire.SkipField(c, w, innerEnd, a, f);
                        }
                    }

                    result = inner;
                    break;
                case (5, 2):
                    ProtobufWire.SkipField(c, wire, end, at, field);
                    result = new OnnxValueInfo("", "map", null, default);
                    break;
                default: ProtobufWire.SkipField(c, wire, end, at, field); break;
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
            var (field, wire, at) = ProtobufWire.ReadTag(c, end);
            switch (field, wire)
            {
                case (1, 0): elementType = ElementTypeName((long)c.ReadVarint("elem_type")); break;
                case (2, 2):
                    long shapeEnd = ProtobufWire.ReadLengthEnd(c, end, "shape");
                    var dims = ImmutableArray.CreateBuilder<OnnxDimension>();
                    while (c.Position < shapeEnd)
                    {
                        var (f, w, a) = ProtobufWire.ReadTag(c, shapeEnd);
                        if (f == 1 && w == 2)
                        {
                            dims.Add(ReadDimension(c, ProtobufWire.ReadLengthEnd(c, shapeEnd, "dim")));
                        }
                        else
                        {
                            ProtobufWire.SkipField(c, w, shapeEnd, a, f);
                        }
                    }

                    shape = dims.ToImmutable();
                    break;
                default: ProtobufWire.SkipField(c, wire, end, at, field); break;
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
            var (field, wire, at) = ProtobufWire.ReadTag(c, end);
            switch (field, wire)
            {
                case (1, 0): value = (long)c.ReadVarint("dim_value"); break;
                case (2, 2): symbol = ProtobufWire.ReadString(c, end, "dim_param"); break;
                default: ProtobufWire.SkipField(c, wire, end, at, field); break;
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
            var (field, wire, at) = ProtobufWire.ReadTag(c, end);
            switch (field, wire)
            {
                case (1, 2): domain = ProtobufWire.ReadString(c, end, "opset domain"); break;
                case (2, 0): version = (long)c.ReadVarint("opset version"); break;
                default: ProtobufWire.SkipField(c, wire, end, at, field); break;
            }
        }

        return new OnnxOpsetImport(domain, version);
    }

    private static (string Key, string Value) ReadStringPair(BinaryCursor c, long end)
    {
        string key = "", value = "";
        while (c.Position < end)
        {
            var (field, wire, at) = ProtobufWire.ReadTag(c, end);
            switch (field, wire)
            {
                case (1, 2): key = ProtobufWire.ReadString(c, end, "metadata key"); break;
                case (2, 2): value = ProtobufWire.ReadString(c, end, "metadata value"); break;
                default: ProtobufWire.SkipField(c, wire, end, at, field); break;
            }
        }

        return (key, value);
    }
}
