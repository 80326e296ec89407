using System.Text.Json.Nodes;
using ModelManifest.Testing;

namespace ModelManifest.Cli.Tests;

/// <summary>verify and extract on PyTorch checkpoints written by Debian's python3-torch, and on a malicious one.</summary>
public sealed class TorchCheckTests
{
    private static void Python(string code, params string[] args) => DebianPython.Run(["-c", code, .. args]);

    private static string RealCheckpoint(TempDir dir)
    {
        string path = dir.File("real.pt");
        Python("import sys, torch; torch.save({'w': torch.ones(2, 3), 'b': torch.zeros(3, dtype=torch.bfloat16)}, sys.argv[1])", path);
        return path;
    }

    /// <summary>torch's zip layout with a data.pkl whose payload runs <c>touch marker</c> through os.system when unpickled.</summary>
    private static string MaliciousCheckpoint(TempDir dir, string marker)
    {
        string path = dir.File("evil.pt");
        Python("""
            import os, pickle, sys, zipfile
            class Evil:
                def __reduce__(self):
                    return (os.system, ("touch " + sys.argv[2],))
            with zipfile.ZipFile(sys.argv[1], "w") as z:
                z.writestr("archive/data.pkl", pickle.dumps({"weight": Evil()}, protocol=2))
                z.writestr("archive/version", "3\n")
            """, path, marker);
        return path;
    }

    [Fact]
    public void Verify_passes_a_real_checkpoint_without_python_and_counts_its_tensors()
    {
        using var dir = new TempDir();
        CliRunner.Result r = CliRunner.Run("verify", RealCheckpoint(dir), "--json");
        Assert.True(r.ExitCode == 0, r.StdOut + r.StdErr);
        JsonObject result = JsonNode.Parse(r.StdOut)!.AsObject();
        Assert.Equal("pass", (string?)result["status"]);
        Assert.Equal(2, (int?)result["tensors"]);
        Assert.Equal(9, (long?)result["parameters"]);
    }

    [Fact]
    public void Verify_reports_a_malicious_checkpoint_with_mm2304_and_never_runs_it()
    {
        using var dir = new TempDir();
        string marker = dir.File("payload-ran");
        CliRunner.Result r = CliRunner.Run("verify", MaliciousCheckpoint(dir, marker), "--json");

        Assert.Equal(1, r.ExitCode);
        JsonObject result = JsonNode.Parse(r.StdOut)!.AsObject();
        Assert.Equal("fail", (string?)result["status"]);
        Assert.Equal("MM2304", (string?)result["code"]);
        JsonObject global = Assert.Single(result["unsafeGlobals"]!.AsArray())!.AsObject();
        Assert.Equal("posix.system", (string?)global["global"]); // os.system pickles under its defining module
        Assert.True((bool?)global["dangerous"]);
        Assert.Equal("archive/data.pkl", (string?)global["entry"]);
        CliRunner.AssertOneCleanErrorLine(r, "MM2304");
        Assert.False(File.Exists(marker), "the payload ran");
    }

    [Fact]
    public void Extract_refuses_an_unsafe_checkpoint_unless_allowed_and_records_the_verdict()
    {
        using var dir = new TempDir();
        string marker = dir.File("payload-ran");
        string evil = MaliciousCheckpoint(dir, marker);
        string manifest = dir.File("models.json");

        CliRunner.Result refused = CliRunner.Run("extract", evil, "--into", manifest);
        Assert.Equal(1, refused.ExitCode);
        CliRunner.AssertOneCleanErrorLine(refused, "MM2304");
        Assert.Contains("posix.system (dangerous)", refused.StdErr);
        Assert.False(File.Exists(manifest));

        CliRunner.Result allowed = CliRunner.Run("extract", evil, "--into", manifest, "--allow-unsafe");
        Assert.True(allowed.ExitCode == 0, allowed.StdErr);
        JsonObject check = JsonNode.Parse(File.ReadAllText(manifest))!["models"]![0]!["provenance"]!["pickleCheck"]!.AsObject();
        Assert.Equal("unsafe", (string?)check["status"]);
        Assert.Equal("posix.system", (string?)check["unsafeGlobals"]![0]!["global"]);
        Assert.False(File.Exists(marker), "the payload ran");
    }

    [Fact]
    public void Extract_lists_the_tensor_inventory_of_a_real_checkpoint()
    {
        using var dir = new TempDir();
        CliRunner.Result r = CliRunner.Run("extract", RealCheckpoint(dir), "--json");
        Assert.True(r.ExitCode == 0, r.StdErr);
        JsonNode model = JsonNode.Parse(r.StdOut)!["models"]![0]!;
        JsonNode checkpoint = model["metadata"]!["checkpoint"]!;
        Assert.Equal(9, (long?)checkpoint["parameterCount"]);
        Assert.Equal(2, (int?)checkpoint["tensorCount"]);
        Assert.Equal(1, (int?)checkpoint["dtypes"]!["bfloat16"]);
        Assert.Equal(1, (int?)checkpoint["dtypes"]!["float32"]);
        Assert.Equal("w", (string?)checkpoint["tensors"]![0]!["name"]);
        Assert.Equal("pass", (string?)model["provenance"]!["pickleCheck"]!["status"]);
    }
}

/// <summary>A fragment stays small for a checkpoint with many tensors: the first 200 listed, counts cover all.</summary>
public sealed class FragmentLimitTests
{
    [Fact]
    public void A_safetensors_file_with_many_tensors_lists_200_and_counts_the_rest()
    {
        using var dir = new TempDir();
        var w = new ModelManifest.Checkpoints.SafetensorsWriter();
        for (int i = 0; i < 250; i++)
        {
            w.AddFloat32($"layer{i}.weight", [2], [1, 2]);
        }

        using (var stream = File.Create(dir.File("many.safetensors")))
        {
            w.WriteTo(stream);
        }

        CliRunner.Result r = CliRunner.Run("extract", dir.File("many.safetensors"), "--json", "--no-hash");
        Assert.True(r.ExitCode == 0, r.StdErr);
        JsonNode checkpoint = JsonNode.Parse(r.StdOut)!["models"]![0]!["metadata"]!["checkpoint"]!;
        Assert.Equal(250, (int?)checkpoint["tensorCount"]);
        Assert.Equal(500, (long?)checkpoint["parameterCount"]);
        Assert.Equal(200, checkpoint["tensors"]!.AsArray().Count);
        Assert.Equal(50, (int?)checkpoint["tensorsNotListed"]);
    }
}

/// <summary>What stands where a checkpoint should be is named, with the way to get the real file.</summary>
public sealed class PlaceholderFileTests
{
    [Theory]
    [InlineData("extract")]
    [InlineData("verify")]
    public void A_git_lfs_pointer_is_one_clean_error_that_says_what_it_is(string command)
    {
        using var dir = new TempDir();
        string path = dir.Write("model.safetensors", "version https://git-lfs.github.com/spec/v1\noid sha256:4d7a21\nsize 1342177280\n"u8.ToArray());
        CliRunner.Result r = CliRunner.Run(command, path);
        Assert.NotEqual(0, r.ExitCode);
        CliRunner.AssertOneCleanErrorLine(r, "MM2101");
        Assert.Contains("Git LFS pointer", r.StdErr);
        Assert.Contains("git lfs pull", r.StdErr);
    }
}
