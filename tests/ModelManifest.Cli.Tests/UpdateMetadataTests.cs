using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using ModelManifest.Checkpoints;
using ModelManifest.Testing;

namespace ModelManifest.Cli.Tests;

/// <summary>update-metadata round trips: metadata changed, tensor bytes identical, the file still loads elsewhere.</summary>
public sealed class UpdateMetadataTests
{
    /// <summary>sha256 of each zip entry's content except the metadata JSON.</summary>
    private static Dictionary<string, string> EntryHashes(string path)
    {
        using ZipArchive zip = ZipFile.OpenRead(path);
        return zip.Entries.Where(e => !e.FullName.EndsWith(".json", StringComparison.Ordinal)).ToDictionary(e => e.FullName, e =>
        {
            using Stream s = e.Open();
            return Convert.ToHexStringLower(SHA256.HashData(s));
        });
    }

    [Fact]
    public void Anemoi_metadata_in_a_real_torch_checkpoint_is_edited_and_the_file_still_loads_in_torch()
    {
        using var dir = new TempDir();
        string path = dir.File("model.ckpt");
        DebianPython.Run("-c", """
            import json, sys, torch, zipfile
            torch.save({"state_dict": {"w": torch.arange(6.0).reshape(2, 3)}}, sys.argv[1])
            with zipfile.ZipFile(sys.argv[1], "a") as z:
                archive = z.namelist()[0].split("/")[0]
                z.writestr(f"{archive}/anemoi-metadata/anemoi.json", json.dumps({"run_id": "old", "dataset": {"variables": ["2t"]}, "drop": 1}))
            """, path);
        string patch = dir.Write("patch.json", """{"dataset": {"frequency": "6h"}}"""u8.ToArray());
        string manifest = dir.File("m.models.json");
        Assert.Equal(0, CliRunner.Run("extract", path, "--into", manifest).ExitCode);
        var before = EntryHashes(path);

        CliRunner.Result r = CliRunner.Run("update-metadata", path, "--set", "run_id=new", "--set", "dataset.variables=[\"2t\",\"msl\"]",
            "--remove", "drop", "--from-json", patch, "--into", manifest);

        Assert.True(r.ExitCode == 0, r.StdErr);
        string sha = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));
        Assert.StartsWith(sha, r.StdOut);
        Assert.Equal(before, EntryHashes(path));
        JsonNode asset = JsonNode.Parse(File.ReadAllText(manifest))!["assets"]![0]!;
        Assert.Equal(sha, (string?)asset["sha256"]);
        Assert.Equal(new FileInfo(path).Length, (long?)asset["size"]);

        TorchCheckpointInfo info = TorchZipReader.ReadFile(path);
        Assert.Equal(["2t", "msl"], info.Metadata.Variables.ToArray());
        Assert.Equal("new", info.Metadata.RunId);
        Assert.Equal("PT6H", info.Metadata.TimeStep);
        Assert.DoesNotContain("\"drop\"", info.MetadataJson);
        string loaded = DebianPython.Run("-c", "import sys, torch; print(torch.load(sys.argv[1], weights_only=True)['state_dict']['w'].sum().item())", path);
        Assert.Equal("15.0", loaded.Trim());
    }

    [Fact]
    public void Safetensors_metadata_is_edited_with_tensor_bytes_unchanged_and_a_spec_reader_agrees()
    {
        using var dir = new TempDir();
        string path = dir.Write("m.safetensors", Samples.Safetensors());
        SafetensorsHeader old = SafetensorsReader.ReadFile(path);
        byte[] oldData = File.ReadAllBytes(path)[(int)old.DataStart..];

        CliRunner.Result r = CliRunner.Run("update-metadata", path, "--set", "modelspec.title=Tiny", "--set", "layers=12", "--remove", "format");

        Assert.True(r.ExitCode == 0, r.StdErr);
        SafetensorsHeader edited = SafetensorsReader.ReadFile(path);
        Assert.Equal(oldData, File.ReadAllBytes(path)[(int)edited.DataStart..]);
        Assert.Equal("Tiny", edited.Metadata["modelspec.title"]);
        Assert.Equal("12", edited.Metadata["layers"]);
        Assert.False(edited.Metadata.ContainsKey("format"));
        Assert.Equal(0, edited.HeaderLength % 8);
        Assert.Equal(old.Tensors.Select(t => (t.Name, t.DataType, t.ByteLength)), edited.Tensors.Select(t => (t.Name, t.DataType, t.ByteLength)));

        // The format's own rules, checked by Python's json and struct: 8-byte length, a JSON object, string metadata.
        string check = DebianPython.Run("-c", """
            import json, struct, sys
            data = open(sys.argv[1], "rb").read()
            n, = struct.unpack("<Q", data[:8])
            header = json.loads(data[8:8 + n])
            assert all(isinstance(v, str) for v in header["__metadata__"].values())
            print(header["__metadata__"]["modelspec.title"])
            """, path);
        Assert.Equal("Tiny", check.Trim());
    }

    [Fact]
    public void An_unsupported_format_is_a_clean_error_and_the_file_is_untouched()
    {
        using var dir = new TempDir();
        string path = dir.Write("m.gguf", Samples.Gguf());
        byte[] before = File.ReadAllBytes(path);
        CliRunner.Result r = CliRunner.Run("update-metadata", path, "--set", "a=b");
        Assert.NotEqual(0, r.ExitCode);
        CliRunner.AssertOneCleanErrorLine(r, "MM2101");
        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Single(Directory.GetFiles(dir.Path));
    }
}
