using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using ModelManifest.Checkpoints;

namespace ModelManifest.Checkpoints.Tests;

public sealed class OnnxTests
{
    private const string TestData = "/usr/share/libonnx-testdata/data";

    /// <summary>Every ONNX model Debian's libonnx-testdata ships (CI installs the package).</summary>
    internal static IReadOnlyList<string> AllModels()
    {
        Assert.True(Directory.Exists(TestData), $"{TestData} is missing: apt-get install -y libonnx-testdata");
        return Directory.EnumerateFiles(TestData, "model.onnx", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
    }

    [Fact]
    public void Every_shipped_model_reads_with_a_graph_opsets_and_named_outputs()
    {
        IReadOnlyList<string> models = AllModels();
        Assert.True(models.Count > 500, $"only {models.Count} models found");
        foreach (string path in models)
        {
            OnnxModelInfo info = OnnxReader.ReadFile(path);
            Assert.True(info.IrVersion > 0, path);
            Assert.NotEmpty(info.OpsetImports);
            Assert.NotEmpty(info.Outputs);
            Assert.All(info.Outputs, o => Assert.False(string.IsNullOrEmpty(o.Name), path));
        }
    }

    /// <summary>A deterministic sample: every 25th model, plus all converted PyTorch models (they carry weights).</summary>
    internal static string[] SampleFiles()
    {
        string[] models = Directory.Exists(TestData)
            ? Directory.EnumerateFiles(TestData, "model.onnx", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToArray()
            : [];
        return models.Where((m, i) => i % 25 == 0 || m.Contains("/pytorch-converted/", StringComparison.Ordinal))
            .Select(m => m[(TestData.Length + 1)..]).ToArray();
    }

    public static TheoryData<string> Sample() => new(SampleFiles());

    [Theory]
    [MemberData(nameof(Sample))]
    public void Inputs_and_outputs_match_what_onnx_runtime_reads_from_the_same_file(string relative)
    {
        string path = Path.Combine(TestData, relative);
        OnnxModelInfo ours = OnnxReader.ReadFile(path);
        InferenceSession session;
        try
        {
            session = new InferenceSession(path);
        }
        catch (OnnxRuntimeException)
        {
            // Some test models use operators this ONNX Runtime build does not implement; our reader must still read them.
            Assert.NotEmpty(ours.Outputs);
            return;
        }

        using (session)
        {
            Compare(ours.Inputs, session.InputMetadata, path);
            Compare(ours.Outputs, session.OutputMetadata, path);
            Assert.Equal(session.ModelMetadata.ProducerName ?? "", ours.ProducerName ?? "");
            Assert.Equal(session.ModelMetadata.GraphName ?? "", ours.GraphName ?? "");
            foreach (var (key, value) in session.ModelMetadata.CustomMetadataMap)
            {
                Assert.Equal(value, ours.MetadataProps[key]);
            }
        }
    }

    [Fact]
    public void Onnx_runtime_loads_most_of_the_sample_so_the_comparison_above_is_not_vacuous()
    {
        int loaded = 0, total = 0;
        foreach (string relative in SampleFiles())
        {
            total++;
            try
            {
                using var session = new InferenceSession(Path.Combine(TestData, relative));
                loaded++;
            }
            catch (OnnxRuntimeException)
            {
            }
        }

        Assert.True(total >= 40, $"sample has only {total} models");
        Assert.True(loaded >= total * 3 / 4, $"ONNX Runtime loaded only {loaded} of {total}");
    }

    private static void Compare(IReadOnlyList<OnnxValueInfo> ours, IReadOnlyDictionary<string, NodeMetadata> theirs, string path)
    {
        Assert.Equal(theirs.Keys.ToArray(), ours.Select(v => v.Name).ToArray());
        foreach (OnnxValueInfo v in ours)
        {
            NodeMetadata m = theirs[v.Name];
            if (m.OnnxValueType != OnnxValueType.ONNX_TYPE_TENSOR)
            {
                Assert.NotEqual("tensor", v.Kind);
                continue;
            }

            Assert.Equal("tensor", v.Kind);
            Assert.Equal(ExpectedName(m.ElementDataType), v.ElementType);
            if (!v.HasShape)
            {
                continue;
            }

            Assert.Equal(m.Dimensions.Length, v.Shape.Length);
            for (int i = 0; i < v.Shape.Length; i++)
            {
                Assert.Equal(m.Dimensions[i], v.Shape[i].Value is { } size ? (int)size : -1);
                if (v.Shape[i].Value is null)
                {
                    Assert.Equal(m.SymbolicDimensions[i], v.Shape[i].Symbol ?? "");
                }
            }
        }
    }

    private static string ExpectedName(TensorElementType type) => type switch
    {
        TensorElementType.Float => "float32",
        TensorElementType.Double => "float64",
        TensorElementType.Float16 => "float16",
        TensorElementType.BFloat16 => "bfloat16",
        TensorElementType.Bool => "bool",
        TensorElementType.String => "string",
        _ => type.ToString().ToLowerInvariant(),
    };

    [Fact]
    public void Metadata_props_appended_to_a_real_model_are_read_like_onnx_runtime_reads_them()
    {
        // A ModelProto may carry its fields in any order, so appending field 14 (metadata_props) keeps it valid.
        string source = AllModels().First(p => p.Contains("pytorch-converted/test_Conv2d/", StringComparison.Ordinal));
        byte[] model = [.. File.ReadAllBytes(source), .. Entry("author", "unit test"), .. Entry("license", "MIT \u00e9")];
        string path = Path.Combine(Path.GetTempPath(), $"mm-props-{Guid.NewGuid():N}.onnx");
        File.WriteAllBytes(path, model);
        try
        {
            OnnxModelInfo ours = OnnxReader.ReadFile(path);
            Assert.Equal("unit test", ours.MetadataProps["author"]);
            Assert.Equal("MIT \u00e9", ours.MetadataProps["license"]);
            using var session = new InferenceSession(path);
            Assert.Equal(session.ModelMetadata.CustomMetadataMap.OrderBy(kv => kv.Key), ours.MetadataProps.OrderBy(kv => kv.Key));
        }
        finally
        {
            File.Delete(path);
        }

        static byte[] Entry(string key, string value)
        {
            byte[] k = System.Text.Encoding.UTF8.GetBytes(key), v = System.Text.Encoding.UTF8.GetBytes(value);
            byte[] body = [0x0A, (byte)k.Length, .. k, 0x12, (byte)v.Length, .. v];
            return [0x72, (byte)body.Length, .. body];
        }
    }

    [Fact]
    public void Symbolic_dimensions_are_kept()
    {
        OnnxModelInfo info = AllModels().Select(OnnxReader.ReadFile)
            .First(m => m.Inputs.Any(i => i.HasShape && i.Shape.Any(d => d.Symbol is not null)));
        Assert.Contains(info.Inputs.SelectMany(i => i.HasShape ? i.Shape : []), d => d.Symbol is { Length: > 0 } && d.Value is null);
    }

    [Fact]
    public void Initializers_listed_as_graph_inputs_are_not_reported_as_inputs()
    {
        string path = AllModels().First(p => OnnxReader.ReadFile(p).InitializerCount > 0);
        OnnxModelInfo info = OnnxReader.ReadFile(path);
        Assert.True(info.InitializerCount > 0);
        Assert.NotEmpty(info.Inputs);
    }

    [Fact]
    public void Truncation_at_every_offset_is_a_clean_error_or_a_shorter_prefix_model()
    {
        string path = AllModels().First(p => p.Contains("test_single_relu_model", StringComparison.Ordinal));
        byte[] file = File.ReadAllBytes(path);
        int errors = 0;
        for (int length = 0; length < file.Length; length++)
        {
            try
            {
                OnnxReader.Read(TestFiles.Open(file[..length]));
            }
            catch (CheckpointFormatException e)
            {
                Assert.InRange(e.Offset, 0, length);
                errors++;
            }
        }

        // Protobuf has no end marker: a cut exactly between two top-level fields after the graph is a valid,
        // shorter ModelProto. Every other cut must be an error.
        Assert.True(errors >= file.Length - 8, $"{errors} errors for {file.Length} cuts");
    }

    [Fact]
    public void A_length_prefix_beyond_the_file_is_a_clean_error()
    {
        // ir_version 8, then field 7 (graph) with a 4 GB length.
        byte[] file = [0x08, 0x08, 0x3A, 0x80, 0x80, 0x80, 0x80, 0x10, 0x00];
        CheckpointFormatException e = TestFiles.AssertCleanError(OnnxReader.Read, file, maxAllocated: 1 << 20);
        Assert.Equal(3, e.Offset);
        Assert.Contains("graph length", e.Reason);
    }

    [Fact]
    public void Random_byte_flips_never_escape_as_other_exceptions()
    {
        byte[] original = File.ReadAllBytes(AllModels().First(p => p.Contains("pytorch-converted", StringComparison.Ordinal)));
        TestFiles.FuzzBytes(original, seed: 11, iterations: 1000, window: original.Length, OnnxReader.Read);
    }
}
