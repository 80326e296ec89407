using System.Text.Json.Nodes;
using ModelManifest.Checkpoints;

namespace ModelManifest.Cli.Tests;

public sealed class RunTests
{
    private static string LogRun(TempDir dir, string name, string model, params string[] extra)
    {
        string output = dir.File(name);
        CliRunner.Result r = CliRunner.Run(["log-run", model, "--output", output, .. extra]);
        Assert.True(r.ExitCode == 0, r.StdErr);
        return output;
    }

    private static JsonObject Compare(string a, string b, int expectedExit, params string[] extra)
    {
        CliRunner.Result r = CliRunner.Run(["compare-runs", a, b, "--json", .. extra]);
        Assert.True(r.ExitCode == expectedExit, $"exit {r.ExitCode}\n{r.StdOut}\n{r.StdErr}");
        return JsonNode.Parse(r.StdOut)!.AsObject();
    }

    [Fact]
    public void Log_run_writes_inputs_outputs_and_the_runtime_version()
    {
        using var dir = new TempDir();
        string run = LogRun(dir, "run.safetensors", Samples.Onnx());
        SafetensorsHeader h = SafetensorsReader.ReadFile(run);
        Assert.Equal("1.31.1", h.Metadata["runtimeVersion"]);
        Assert.Equal("onnxruntime", h.Metadata["runtime"]);
        Assert.Equal("42", h.Metadata["seed"]);
        OnnxModelInfo model = OnnxReader.ReadFile(Samples.Onnx());
        Assert.Equal(
            model.Inputs.Select(i => "input/" + i.Name).Concat(model.Outputs.Select(o => "output/" + o.Name)),
            h.Tensors.Select(t => t.Name));
        Assert.Equal([2L, 4, 5, 4], h.Tensors[1].Shape.ToArray());
        Assert.Empty(SafetensorsReader.Check(h));
    }

    [Fact]
    public void Two_runs_with_the_same_seed_have_zero_divergence()
    {
        using var dir = new TempDir();
        string a = LogRun(dir, "a.safetensors", Samples.Onnx());
        string b = LogRun(dir, "b.safetensors", Samples.Onnx());
        JsonObject result = Compare(a, b, 0);
        Assert.False((bool)result["diverges"]!);
        Assert.All(result["tensors"]!.AsArray(), t =>
        {
            Assert.Equal(0.0, (double)t!["maxAbsError"]!);
            Assert.Equal(0UL, (ulong)t["maxUlp"]!);
            Assert.Equal(0, (long)t["overTolerance"]!);
        });
    }

    [Fact]
    public void A_perturbed_copy_is_found_tensor_element_count_and_size()
    {
        using var dir = new TempDir();
        string a = LogRun(dir, "a.safetensors", Samples.Onnx());
        SafetensorsHeader h = SafetensorsReader.ReadFile(a);
        TensorEntry output = h.Tensors.Single(t => t.Name.StartsWith("output/", StringComparison.Ordinal));
        byte[] bytes = File.ReadAllBytes(a);
        int at = (int)output.DataOffset + 4 * 17;
        float original = BitConverter.ToSingle(bytes, at);
        BitConverter.GetBytes(original + 0.25f).CopyTo(bytes, at);
        string b = dir.Write("b.safetensors", bytes);

        CliRunner.Result r = CliRunner.Run("compare-runs", a, b, "--json");
        Assert.Equal(1, r.ExitCode);
        JsonObject result = JsonNode.Parse(r.StdOut)!.AsObject();
        Assert.True((bool)result["diverges"]!);
        JsonNode changed = result["tensors"]!.AsArray().Single(t => (string?)t!["name"] == output.Name)!;
        Assert.Equal(1, (long)changed["overTolerance"]!);
        Assert.Equal(0.25, (double)changed["maxAbsError"]!, 1e-6);
        Assert.True((ulong)changed["maxUlp"]! > 1000);
        JsonNode input = result["tensors"]!.AsArray().Single(t => (string?)t!["name"] != output.Name)!;
        Assert.Equal(0, (long)input["overTolerance"]!);
        CliRunner.AssertOneCleanErrorLine(r, "MM2401");
        Assert.Contains(output.Name, r.StdErr);

        // A loose enough tolerance accepts the same perturbation.
        Assert.False((bool)Compare(a, b, 0, "--atol", "0.3")["diverges"]!);
    }

    [Fact]
    public void A_one_ulp_change_is_one_ulp()
    {
        using var dir = new TempDir();
        var w1 = new SafetensorsWriter().AddFloat32("x", [3], [1.0f, -0.0f, 3.5f]);
        var w2 = new SafetensorsWriter().AddFloat32("x", [3], [BitConverter.Int32BitsToSingle(BitConverter.SingleToInt32Bits(1.0f) + 1), 0.0f, 3.5f]);
        string a = dir.File("a.safetensors"), b = dir.File("b.safetensors");
        w1.WriteFile(a);
        w2.WriteFile(b);
        JsonNode x = Compare(a, b, 0)["tensors"]![0]!;
        Assert.Equal(1UL, (ulong)x["maxUlp"]!);
        Assert.Equal(0, (long)x["overTolerance"]!);
        Assert.Equal(1 / 8388608.0, (double)x["maxAbsError"]!, 1e-12);
    }

    [Fact]
    public void Different_seeds_diverge_and_missing_tensors_are_mm2402()
    {
        using var dir = new TempDir();
        string a = LogRun(dir, "a.safetensors", Samples.Onnx());
        string b = LogRun(dir, "b.safetensors", Samples.Onnx(), "--seed", "7");
        Assert.True((bool)Compare(a, b, 1)["diverges"]!);

        string c = dir.File("c.safetensors");
        new SafetensorsWriter().AddFloat32("only-here", [1], [1f]).WriteFile(c);
        CliRunner.Result r = CliRunner.Run("compare-runs", a, c);
        Assert.Equal(1, r.ExitCode);
        Assert.All(r.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => Assert.StartsWith("error MM2402: ", l));
    }

    [Fact]
    public void Log_run_refuses_non_onnx_files()
    {
        using var dir = new TempDir();
        CliRunner.Result r = CliRunner.Run("log-run", dir.Write("a.safetensors", Samples.Safetensors()));
        Assert.Equal(2, r.ExitCode);
        CliRunner.AssertOneCleanErrorLine(r, "MM2102");
    }
}
