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

    /// <summary>
    /// An independent GGUF reader written from the spec (ggml docs/gguf.md) with Python's struct: v1 counts and
    /// lengths are uint32, v2/v3 uint64; prints each key's type and value (arrays as type, count and first element),
    /// the tensor infos, whether the data section is aligned, and the sha256 of the data section.
    /// </summary>
    private const string SpecReader = """
        import hashlib, json, struct, sys
        data = open(sys.argv[1], "rb").read()
        pos = 0
        def take(fmt):
            global pos
            v = struct.unpack_from("<" + fmt, data, pos)
            pos += struct.calcsize("<" + fmt)
            return v[0]
        assert take("I") == 0x46554747
        version = take("I")
        count = "I" if version == 1 else "Q"
        def string():
            global pos
            n = take(count)
            s = data[pos:pos + n].decode("utf-8")
            pos += n
            return s
        scalars = {0: "B", 1: "b", 2: "H", 3: "h", 4: "I", 5: "i", 6: "f", 7: "?", 10: "Q", 11: "q", 12: "d"}
        def value(t):
            if t == 8:
                return string()
            if t == 9:
                et = take("I")
                n = take(count)
                items = [value(et) for _ in range(n)]
                return [et, n, items[0] if items else None]
            return take(scalars[t])
        n_tensors = take(count)
        n_kv = take(count)
        kv = {}
        for _ in range(n_kv):
            key = string()
            t = take("I")
            kv[key] = [t, value(t)]
        tensors = []
        for _ in range(n_tensors):
            name = string()
            dims = [take(count) for _ in range(take("I"))]
            tensors.append([name, dims, take("I"), take("Q")])
        alignment = kv.get("general.alignment", [4, 32])[1]
        start = (pos + alignment - 1) // alignment * alignment
        assert all(b == 0 for b in data[pos:start]), "padding is not zeros"
        print(json.dumps({"version": version, "kv": kv, "tensors": tensors, "data_start": start,
                          "data_sha256": hashlib.sha256(data[start:]).hexdigest()}))
        """;

    private static JsonObject ReadWithSpecReader(string path) => JsonNode.Parse(DebianPython.Run("-c", SpecReader, path))!.AsObject();

    [Theory]
    [InlineData(1u)]
    [InlineData(3u)]
    public void Gguf_key_values_are_edited_with_types_kept_tensor_bytes_unchanged_and_a_spec_reader_agrees(uint version)
    {
        using var dir = new TempDir();
        var random = new Random(13);
        float[] embedding = Enumerable.Range(0, 32 * 3).Select(_ => random.NextSingle()).ToArray();
        var w = new GgufWriter(version)
            .Add("general.architecture", "llama")
            .Add("general.name", "Old")
            .Add("general.alignment", 32u)
            .Add("general.file_type", 1u)
            .Add("llama.context_length", 4096u)
            .Add("llama.rope.freq_scale", 1.5f)
            .Add("tokenizer.ggml.tokens", Enumerable.Range(0, 100).Select(i => $"t{i}").ToArray())
            .AddFloat32Tensor("token_embd.weight", [32, 3], embedding)
            .AddFloat32Tensor("output_norm.weight", [5], [1, 2, 3, 4, 5]);
        using var ms = new MemoryStream();
        w.WriteTo(ms);
        string path = dir.Write("m.gguf", ms.ToArray());
        GgufHeader oldHeader = GgufReader.ReadFile(path);
        string oldData = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path).AsSpan((int)oldHeader.DataStart)));
        JsonObject before = ReadWithSpecReader(path);

        CliRunner.Result r = CliRunner.Run("update-metadata", path, "--set", "general.name=A longer new name",
            "--set", "llama.context_length=8192", "--set", "quantized.by=me", "--set", "new.count=42", "--set", "new.flag=true",
            "--remove", "general.file_type");

        Assert.True(r.ExitCode == 0, r.StdErr);
        Assert.StartsWith(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path))), r.StdOut);
        GgufHeader h = GgufReader.ReadFile(path);
        Assert.Empty(GgufReader.Check(h));
        Assert.Equal(version, h.Version);
        Assert.Equal("A longer new name", h.Name);
        Assert.Equal(8192u, h.Metadata["llama.context_length"]);
        Assert.Equal(42, h.Metadata["new.count"]);
        Assert.Equal(true, h.Metadata["new.flag"]);
        Assert.Equal("me", h.Metadata["quantized.by"]);
        Assert.False(h.Metadata.ContainsKey("general.file_type"));
        Assert.Equal(100UL, Assert.IsType<GgufArray>(h.Metadata["tokenizer.ggml.tokens"]).Count);
        Assert.Equal(0, h.DataStart % 32);
        Assert.NotEqual(oldHeader.DataStart, h.DataStart);
        Assert.Equal(oldData, Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path).AsSpan((int)h.DataStart))));
        Assert.Equal(oldHeader.Tensors.Select(t => (t.Name, t.ByteLength, t.DataOffset - oldHeader.DataStart)),
            h.Tensors.Select(t => (t.Name, t.ByteLength, t.DataOffset - h.DataStart)));

        JsonObject after = ReadWithSpecReader(path);
        Assert.Equal(oldData, (string?)after["data_sha256"]);
        Assert.Equal(h.DataStart, (long?)after["data_start"]);
        Assert.True(JsonNode.DeepEquals(before["tensors"], after["tensors"]));
        JsonObject oldKv = before["kv"]!.AsObject(), newKv = after["kv"]!.AsObject();
        Assert.Equal("[4,8192]", newKv["llama.context_length"]!.ToJsonString()); // still uint32
        Assert.Equal("[5,42]", newKv["new.count"]!.ToJsonString());
        Assert.Equal("[7,true]", newKv["new.flag"]!.ToJsonString());
        string[] edited = ["general.name", "llama.context_length", "general.file_type"];
        foreach (var (key, value) in oldKv.Where(p => !edited.Contains(p.Key)))
        {
            Assert.True(JsonNode.DeepEquals(value, newKv[key]), $"{key}: {value?.ToJsonString()} became {newKv[key]?.ToJsonString()}");
        }
    }

    [Theory]
    [InlineData("qwen2.context_length=big", "not a valid UInt32")]
    [InlineData("tokenizer.ggml.tokens=x", "only scalar values")]
    [InlineData("general.alignment=64", "general.alignment")]
    public void A_gguf_value_that_does_not_fit_is_a_clean_error_and_the_file_is_untouched(string assignment, string expected)
    {
        using var dir = new TempDir();
        string path = dir.Write("m.gguf", Samples.Gguf());
        byte[] before = File.ReadAllBytes(path);
        CliRunner.Result r = CliRunner.Run("update-metadata", path, "--set", assignment);
        CliRunner.AssertOneCleanErrorLine(r, "MM2002");
        Assert.Contains(expected, r.StdErr);
        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Single(Directory.GetFiles(dir.Path));
    }

    [Fact]
    public void An_unsupported_format_is_a_clean_error_and_the_file_is_untouched()
    {
        using var dir = new TempDir();
        string path = dir.Write("m.onnx", File.ReadAllBytes(Samples.Onnx()));
        byte[] before = File.ReadAllBytes(path);
        CliRunner.Result r = CliRunner.Run("update-metadata", path, "--set", "a=b");
        Assert.NotEqual(0, r.ExitCode);
        CliRunner.AssertOneCleanErrorLine(r, "MM2101");
        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Single(Directory.GetFiles(dir.Path));
    }
}
