using System.Text;
using System.Text.Json.Nodes;

namespace ModelManifest.Cli.Tests;

public sealed class VerifyTests
{
    private static JsonObject VerifyJson(string path, int expectedExit, params string[] extra)
    {
        CliRunner.Result r = CliRunner.Run(["verify", path, "--json", .. extra]);
        Assert.True(r.ExitCode == expectedExit, $"exit {r.ExitCode}\n{r.StdOut}\n{r.StdErr}");
        return JsonNode.Parse(r.StdOut)!.AsObject();
    }

    [Fact]
    public void Onnx_loads_in_a_separate_process_and_reports_the_runtime_version_and_date()
    {
        JsonObject result = VerifyJson(Samples.Onnx(), 0);
        Assert.Equal("pass", (string?)result["status"]);
        Assert.Equal("onnxruntime", (string?)result["runtime"]);
        Assert.Equal("1.31.1", (string?)result["runtimeVersion"]);
        Assert.Equal("onnxruntime (separate process)", (string?)result["method"]);
        Assert.True(DateTimeOffset.TryParse((string?)result["date"], out _));
    }

    [Fact]
    public void Onnx_that_onnx_runtime_rejects_fails_with_mm2302()
    {
        using var dir = new TempDir();
        // Rename the Conv operator to one no runtime knows: the protobuf stays valid, loading fails.
        byte[] bytes = File.ReadAllBytes(Samples.Onnx());
        byte[] conv = "Conv"u8.ToArray();
        int at = bytes.AsSpan().IndexOf(conv);
        Assert.True(at > 0);
        "Cxnv"u8.CopyTo(bytes.AsSpan(at));
        string path = dir.Write("broken.onnx", bytes);

        CliRunner.Result r = CliRunner.Run("verify", path, "--json");
        Assert.Equal(1, r.ExitCode);
        JsonObject result = JsonNode.Parse(r.StdOut)!.AsObject();
        Assert.Equal("fail", (string?)result["status"]);
        Assert.Equal("MM2302", (string?)result["code"]);
        Assert.Contains("Cxnv", (string?)result["problems"]![0]);
        CliRunner.AssertOneCleanErrorLine(r, "MM2302");
    }

    [Fact]
    public void Consistent_safetensors_and_gguf_pass_structural_checks()
    {
        using var dir = new TempDir();
        Assert.Equal("pass", (string?)VerifyJson(dir.Write("a.safetensors", Samples.Safetensors()), 0)["status"]);
        Assert.Equal("pass", (string?)VerifyJson(dir.Write("b.gguf", Samples.Gguf()), 0)["status"]);
        Assert.Equal("pass", (string?)VerifyJson(dir.Write("c.ckpt", Samples.Torch()), 0)["status"]);
    }

    [Fact]
    public void Safetensors_with_a_hole_and_a_wrong_size_fail_with_mm2301()
    {
        using var dir = new TempDir();
        string header = """{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[12,16]}}""";
        byte[] json = Encoding.UTF8.GetBytes(header);
        byte[] file = [.. BitConverter.GetBytes((ulong)json.Length), .. json, .. new byte[16]];
        string path = dir.Write("bad.safetensors", file);

        CliRunner.Result r = CliRunner.Run("verify", path);
        Assert.Equal(1, r.ExitCode);
        string[] errors = r.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, errors.Length);
        Assert.All(errors, e => Assert.StartsWith("error MM2301: ", e));
        Assert.Contains(errors, e => e.Contains("'a'") && e.Contains("needs 12"));
        Assert.Contains(errors, e => e.Contains("hole of 4 bytes"));
    }

    [Fact]
    public void A_truncated_gguf_fails_verification_with_mm2101()
    {
        using var dir = new TempDir();
        byte[] gguf = Samples.Gguf();
        // 40 bytes: more than the 24 bytes of alignment padding after the last tensor.
        string path = dir.Write("cut.gguf", gguf[..(gguf.Length - 40)]);
        CliRunner.Result r = CliRunner.Run("verify", path);
        Assert.Equal(1, r.ExitCode);
        CliRunner.AssertOneCleanErrorLine(r, "MM2101");
    }

    [Fact]
    public void Into_records_the_result_in_the_models_that_reference_the_file()
    {
        using var dir = new TempDir();
        string model = dir.Write("conv.onnx", File.ReadAllBytes(Samples.Onnx()));
        string manifest = dir.File("m.models.json");
        Assert.Equal(0, CliRunner.Run("extract", model, "--into", manifest, "--id", "conv").ExitCode);

        CliRunner.Result r = CliRunner.Run("verify", model, "--into", manifest);
        Assert.True(r.ExitCode == 0, r.StdErr);
        string text = File.ReadAllText(manifest);
        SchemaValidation.AssertValid(text);
        JsonNode entry = JsonNode.Parse(text)!["models"]![0]!;
        Assert.Equal("pass", (string?)entry["metadata"]!["verification"]!["status"]);
        Assert.Equal("1.31.1", (string?)entry["metadata"]!["verification"]!["runtimeVersion"]);
        Assert.Equal("compatible", (string?)entry["compatibility"]!["accelerators"]!["cpu"]);
        Assert.NotNull(entry["metadata"]!["checkpoint"]);
    }

    [Fact]
    public void Into_a_manifest_without_the_file_is_mm2203()
    {
        using var dir = new TempDir();
        string manifest = dir.Write("m.models.json", File.ReadAllBytes(Path.Combine(SchemaValidation.RepositoryRoot(), "schema", "examples", "vision.models.json")));
        byte[] before = File.ReadAllBytes(manifest);
        CliRunner.Result r = CliRunner.Run("verify", Samples.Onnx(), "--into", manifest);
        Assert.Equal(1, r.ExitCode);
        CliRunner.AssertOneCleanErrorLine(r, "MM2203");
        Assert.Equal(before, File.ReadAllBytes(manifest));
    }

    [Fact]
    public void Unknown_formats_are_mm2102()
    {
        using var dir = new TempDir();
        CliRunner.Result r = CliRunner.Run("verify", dir.Write("x.bin", new byte[100]));
        Assert.Equal(2, r.ExitCode);
        CliRunner.AssertOneCleanErrorLine(r, "MM2102");
    }
}
