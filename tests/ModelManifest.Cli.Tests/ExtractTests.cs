using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using ModelManifest.Checkpoints;

namespace ModelManifest.Cli.Tests;

public sealed class ExtractTests
{
    private static JsonObject ExtractJson(string path, params string[] extra)
    {
        CliRunner.Result r = CliRunner.Run(["extract", path, "--json", .. extra]);
        Assert.True(r.ExitCode == 0, r.StdErr);
        SchemaValidation.AssertValid(r.StdOut);
        return JsonNode.Parse(r.StdOut)!.AsObject();
    }

    [Fact]
    public void Safetensors_fragment_validates_and_carries_size_hash_tensors_and_header_metadata()
    {
        using var dir = new TempDir();
        byte[] bytes = Samples.Safetensors();
        string path = dir.Write("tiny-linear.safetensors", bytes);
        JsonObject doc = ExtractJson(path);

        JsonNode asset = doc["assets"]![0]!;
        Assert.Equal("tiny-linear", (string?)asset["id"]);
        Assert.Equal(bytes.Length, (long)asset["size"]!);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), (string?)asset["sha256"]);
        Assert.Equal("safetensors", (string?)asset["format"]);

        JsonNode checkpoint = doc["models"]![0]!["metadata"]!["checkpoint"]!;
        Assert.Equal(8, (long)checkpoint["parameterCount"]!);
        Assert.Equal("pt", (string?)checkpoint["headerMetadata"]!["format"]);
        Assert.Equal("linear.weight", (string?)checkpoint["tensors"]![0]!["name"]);
        Assert.Equal("[2,3]", checkpoint["tensors"]![0]!["shape"]!.ToJsonString());
    }

    [Fact]
    public void Gguf_fragment_names_architecture_quantization_context_and_tokenizer()
    {
        using var dir = new TempDir();
        string path = dir.Write("tiny-qwen-q8_0.gguf", Samples.Gguf());
        JsonObject doc = ExtractJson(path, "--id", "tiny-qwen", "--tag", "q8_0", "--version", "0.5.0");

        JsonNode model = doc["models"]![0]!;
        Assert.Equal("tiny-qwen", (string?)model["id"]);
        Assert.Equal("0.5.0", (string?)model["version"]);
        Assert.Equal("Tiny Qwen", (string?)model["displayName"]);
        Assert.Equal("q8_0", (string?)model["assets"]![0]!["tag"]);
        JsonNode c = model["metadata"]!["checkpoint"]!;
        Assert.Equal("qwen2", (string?)c["architecture"]);
        Assert.Equal("Q8_0", (string?)c["quantization"]);
        Assert.Equal(32768, (long)c["contextLength"]!);
        Assert.Equal("gpt2", (string?)c["tokenizerModel"]);
        Assert.Equal(128, (long)c["parameterCount"]!);
        Assert.Equal(100, (long)c["keyValues"]!["tokenizer.ggml.tokens"]!["count"]!);
    }

    [Fact]
    public void Torch_fragment_maps_anemoi_metadata_to_inputs_requirements_and_provenance()
    {
        using var dir = new TempDir();
        string path = dir.Write("aifs-small.ckpt", Samples.Torch());
        JsonObject doc = ExtractJson(path);

        JsonNode model = doc["models"]![0]!;
        Assert.Equal("torch", (string?)doc["assets"]![0]!["format"]);
        var packages = model["requirements"]!["packages"]!.AsArray();
        Assert.Contains(packages, p => (string?)p!["name"] == "torch" && (string?)p["version"] == "==2.4.1" && (string?)p["ecosystem"] == "pypi");
        Assert.Contains(packages, p => (string?)p!["name"] == "anemoi-training" && (string?)p["version"] == "==0.3.1");
        Assert.DoesNotContain(packages, p => (string?)p!["name"] == "numpy");
        Assert.Equal("==3.11.*", (string?)model["requirements"]!["runtimes"]![0]!["version"]);
        Assert.Equal(["10u", "2t", "msl"], model["inputs"]!["variables"]!.AsArray().Select(v => (string?)v!["name"]));
        Assert.Equal("O96", (string?)model["inputs"]!["grid"]!["name"]);
        Assert.Equal(40320, (long)model["inputs"]!["grid"]!["points"]!);
        Assert.Equal("PT6H", (string?)model["inputs"]!["timeStep"]);
        Assert.Equal(2, (long)model["inputs"]!["timeSteps"]!);
        Assert.Equal("1.26.4", (string?)model["provenance"]!["moduleVersions"]!["numpy"]);
        Assert.Equal("run-42", (string?)model["provenance"]!["trainingRunId"]);
        Assert.Equal("anemoi-training", (string?)model["provenance"]!["framework"]);
    }

    public static TheoryData<string> OnnxSample() => new(
        "pytorch-converted/test_Conv2d",
        "pytorch-converted/test_Embedding",
        "node/test_gridsample_reflection_padding",
        "simple/test_sequence_model1",
        "node/test_castlike_BFLOAT16_to_FLOAT_expanded",
        "pytorch-operator/test_operator_symbolic_override");

    [Theory]
    [MemberData(nameof(OnnxSample))]
    public void Onnx_fragment_lists_the_inputs_and_outputs_the_file_declares(string name)
    {
        string path = Samples.Onnx(name);
        JsonObject doc = ExtractJson(path);
        OnnxModelInfo declared = OnnxReader.ReadFile(path);
        JsonNode model = doc["models"]![0]!;

        Assert.Equal(declared.Inputs.Select(i => i.Name), model["inputs"]!["variables"]!.AsArray().Select(v => (string?)v!["name"]));
        Assert.Equal(declared.Outputs.Select(i => i.Name), model["outputs"]!["variables"]!.AsArray().Select(v => (string?)v!["name"]));
        foreach (var (v, d) in model["inputs"]!["variables"]!.AsArray().Zip(declared.Inputs))
        {
            if (d.Kind == "tensor" && d.HasShape)
            {
                Assert.Equal(d.ElementType, (string?)v!["dataType"]);
                Assert.Equal(d.Shape.Select(x => x.ToString()), v!["shape"]!.AsArray().Select(x => x!.ToString()));
            }
        }

        JsonNode opsets = model["metadata"]!["checkpoint"]!["opsetImports"]!;
        Assert.Equal(declared.OpsetImports.First(o => o.Domain.Length == 0).Version, (long)opsets["ai.onnx"]!);
    }

    [Fact]
    public void Unknown_files_get_size_hash_and_format_other()
    {
        using var dir = new TempDir();
        string path = dir.Write("weights.bin", Enumerable.Range(0, 5000).Select(i => (byte)(i * 7)).ToArray());
        JsonObject doc = ExtractJson(path);
        Assert.Equal("other", (string?)doc["assets"]![0]!["format"]);
        Assert.Equal(5000, (long)doc["assets"]![0]!["size"]!);
    }

    [Fact]
    public void No_hash_skips_the_sha256_and_refuses_into()
    {
        using var dir = new TempDir();
        string path = dir.Write("m.safetensors", Samples.Safetensors());
        CliRunner.Result r = CliRunner.Run("extract", path, "--json", "--no-hash");
        Assert.Equal(0, r.ExitCode);
        Assert.Null(JsonNode.Parse(r.StdOut)!["assets"]![0]!["sha256"]);

        CliRunner.Result into = CliRunner.Run("extract", path, "--no-hash", "--into", dir.File("m.models.json"));
        Assert.Equal(2, into.ExitCode);
        CliRunner.AssertOneCleanErrorLine(into, "MM2002");
        Assert.False(File.Exists(dir.File("m.models.json")));
    }

    [Fact]
    public void Human_output_is_a_plain_table_then_the_fragment_without_escape_codes()
    {
        using var dir = new TempDir();
        string path = dir.Write("m.safetensors", Samples.Safetensors());
        CliRunner.Result r = CliRunner.Run("extract", path);
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("parameters", r.StdOut);
        Assert.Contains("\"schemaVersion\": \"1.1\"", r.StdOut);
        Assert.DoesNotContain(r.StdOut, c => c == (char)27);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    [InlineData(20)]
    public void Truncated_checkpoints_give_one_error_line_with_offset_and_exit_2(int keep)
    {
        using var dir = new TempDir();
        string path = dir.Write("broken.gguf", Samples.Gguf()[..(keep == 0 ? 30 : 40 + keep)]);
        CliRunner.Result r = CliRunner.Run("extract", path, "--no-hash");
        Assert.Equal(2, r.ExitCode);
        CliRunner.AssertOneCleanErrorLine(r, "MM2101");
        Assert.StartsWith($"error MM2101: {path}: GGUF at offset ", r.StdErr);
    }

    [Fact]
    public void A_lying_safetensors_header_length_is_one_error_line()
    {
        using var dir = new TempDir();
        byte[] bytes = Samples.Safetensors();
        BitConverter.GetBytes(4UL << 30).CopyTo(bytes, 0);
        string path = dir.Write("lying.safetensors", bytes);
        CliRunner.Result r = CliRunner.Run("extract", path);
        Assert.Equal(2, r.ExitCode);
        CliRunner.AssertOneCleanErrorLine(r, "MM2101");
        Assert.Contains("header length 4294967296", r.StdErr);
    }

    [Fact]
    public void Missing_file_and_bad_options_are_usage_errors()
    {
        CliRunner.Result missing = CliRunner.Run("extract", "/nonexistent/model.onnx");
        Assert.Equal(2, missing.ExitCode);
        CliRunner.AssertOneCleanErrorLine(missing, "MM2001");

        CliRunner.Result badVersion = CliRunner.Run("extract", Samples.Onnx(), "--version", "v1");
        Assert.Equal(2, badVersion.ExitCode);
        CliRunner.AssertOneCleanErrorLine(badVersion, "MM2002");

        Assert.Equal(2, CliRunner.Run("extract", Samples.Onnx(), "--no-such-option").ExitCode);
    }
}
