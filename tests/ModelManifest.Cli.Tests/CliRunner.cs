using System.Diagnostics;
using ModelManifest.Checkpoints;

namespace ModelManifest.Cli.Tests;

/// <summary>Runs the built tool as a process with captured stdout/stderr (stdout is redirected, so output is plain).</summary>
internal static class CliRunner
{
    public sealed record Result(int ExitCode, string StdOut, string StdErr);

    private static readonly Lazy<string> s_tool = new(() =>
    {
        // tests/ModelManifest.Cli.Tests/bin/<Configuration>/net10.0/ -> src/ModelManifest.Cli/bin/<Configuration>/net10.0/
        string testBin = AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar);
        string configuration = Path.GetFileName(Path.GetDirectoryName(testBin)!);
        string dll = Path.Combine(SchemaValidation.RepositoryRoot(), "src", "ModelManifest.Cli", "bin", configuration, "net10.0", "ModelManifest.Cli.dll");
        Assert.True(File.Exists(dll), $"{dll} not built");
        return dll;
    });

    public static Result Run(params string[] args) => RunWithEnvironment(null, args);

    public static Result RunWithEnvironment(IDictionary<string, string>? environment, params string[] args) => RunIn(null, environment, args);

    /// <summary>Runs the tool in <paramref name="workingDirectory"/> (commands such as init work on the current directory).</summary>
    public static Result RunIn(string? workingDirectory, IDictionary<string, string>? environment, params string[] args)
    {
        var info = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            WorkingDirectory = workingDirectory ?? string.Empty,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(s_tool.Value);
        foreach (string a in args)
        {
            info.ArgumentList.Add(a);
        }

        info.Environment.Remove("NO_COLOR");
        foreach (var (k, v) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[k] = v;
        }

        using Process process = Process.Start(info)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return new Result(process.ExitCode, stdout.Result, stderr.Result);
    }

    public static void AssertOneCleanErrorLine(Result result, string code)
    {
        string[] lines = result.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, "expected one error line, got:\n" + result.StdErr);
        Assert.StartsWith($"error {code}: ", lines[0]);
        Assert.DoesNotContain("   at ", result.StdErr);
        Assert.DoesNotContain("Exception", result.StdErr);
    }
}

/// <summary>Small real checkpoints written with the library's writers.</summary>
internal static class Samples
{
    public const string OnnxTestData = "/usr/share/libonnx-testdata/data";

    public static string Onnx(string name = "pytorch-converted/test_Conv2d") => System.IO.Path.Combine(OnnxTestData, name, "model.onnx");

    public static byte[] Safetensors()
    {
        var w = new SafetensorsWriter();
        w.Metadata["format"] = "pt";
        w.AddFloat32("linear.weight", [2, 3], [1, 2, 3, 4, 5, 6]);
        w.AddFloat32("linear.bias", [2], [0.5f, -0.5f]);
        return Bytes(w.WriteTo);
    }

    public static byte[] Gguf()
    {
        var w = new GgufWriter();
        w.Add("general.architecture", "qwen2");
        w.Add("general.name", "Tiny Qwen");
        w.Add("general.file_type", 7u);
        w.Add("qwen2.context_length", 32768u);
        w.Add("tokenizer.ggml.model", "gpt2");
        w.Add("tokenizer.ggml.tokens", Enumerable.Range(0, 100).Select(i => $"t{i}").ToArray());
        w.AddTensor("token_embd.weight", [32, 4], GgmlTypes.Id("Q8_0"), new byte[4 * 34]);
        return Bytes(w.WriteTo);
    }

    public const string Anemoi = """
        {
          "run_id": "run-42",
          "timestamp": "2025-02-25T10:00:00",
          "config": { "data": { "timestep": "6h" }, "training": { "multistep_input": 2 } },
          "dataset": { "variables": ["10u", "2t", "msl"], "shape": [10, 3, 1, 40320], "data_request": { "grid": "O96" } },
          "provenance_training": { "python": "3.11.9", "module_versions": { "torch": "2.4.1", "anemoi.training": "0.3.1", "numpy": "1.26.4" } }
        }
        """;

    public static byte[] Torch() => Bytes(new TorchZipWriter("aifs").AddStorage(new byte[32]).AddAnemoiMetadata(Anemoi).WriteTo);

    private static byte[] Bytes(Action<Stream> write)
    {
        using var ms = new MemoryStream();
        write(ms);
        return ms.ToArray();
    }
}
