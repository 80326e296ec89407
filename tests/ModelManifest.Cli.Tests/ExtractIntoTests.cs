using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ModelManifest.Cli.Tests;

/// <summary>extract --into: entries added or updated in place, every other byte of the manifest kept.</summary>
public sealed class ExtractIntoTests
{
    private static string Example(string name) => Path.Combine(SchemaValidation.RepositoryRoot(), "schema", "examples", name);

    public static TheoryData<string> Examples() => new("weather.models.json", "language.models.json", "vision.models.json");

    /// <summary>True when <paramref name="original"/>'s lines appear, in order and unchanged, within <paramref name="result"/>'s.</summary>
    private static bool LinesAreSubsequence(string[] original, string[] result)
    {
        int j = 0;
        foreach (string line in result)
        {
            if (j < original.Length && line == original[j])
            {
                j++;
            }
        }

        return j == original.Length;
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public void Adding_a_new_model_only_inserts_text_and_the_result_validates(string example)
    {
        using var dir = new TempDir();
        string manifest = dir.Write(example, File.ReadAllBytes(Example(example)));
        string before = File.ReadAllText(manifest);
        string checkpoint = dir.Write("new-model.safetensors", Samples.Safetensors());

        CliRunner.Result r = CliRunner.Run("extract", checkpoint, "--into", manifest);
        Assert.True(r.ExitCode == 0, r.StdErr);
        string after = File.ReadAllText(manifest);
        SchemaValidation.AssertValid(after);

        Assert.True(LinesAreSubsequence(before.Split('\n'), after.Split('\n')), after);
        using JsonDocument b = JsonDocument.Parse(before), a = JsonDocument.Parse(after);
        int models = b.RootElement.GetProperty("models").GetArrayLength();
        Assert.Equal(models + 1, a.RootElement.GetProperty("models").GetArrayLength());
        for (int i = 0; i < models; i++)
        {
            Assert.True(JsonElement.DeepEquals(b.RootElement.GetProperty("models")[i], a.RootElement.GetProperty("models")[i]));
        }

        Assert.Equal("new-model", a.RootElement.GetProperty("models")[models].GetProperty("id").GetString());
        Assert.Equal("new-model", a.RootElement.GetProperty("assets")[b.RootElement.GetProperty("assets").GetArrayLength()].GetProperty("id").GetString());
        Assert.Empty(Directory.GetFiles(dir.Path, "*.tmp"));
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public void Extracting_the_same_file_twice_changes_nothing_the_second_time(string example)
    {
        using var dir = new TempDir();
        string manifest = dir.Write(example, File.ReadAllBytes(Example(example)));
        string checkpoint = dir.Write("model.gguf", Samples.Gguf());
        Assert.Equal(0, CliRunner.Run("extract", checkpoint, "--into", manifest, "--tag", "q8_0").ExitCode);
        byte[] once = File.ReadAllBytes(manifest);
        Assert.Equal(0, CliRunner.Run("extract", checkpoint, "--into", manifest, "--tag", "q8_0").ExitCode);
        Assert.Equal(once, File.ReadAllBytes(manifest));
    }

    [Fact]
    public void Updating_an_existing_entry_keeps_hand_written_fields_and_other_entries_byte_for_byte()
    {
        using var dir = new TempDir();
        string original = File.ReadAllText(Example("weather.models.json"));
        string manifest = dir.Write("weather.models.json", Encoding.UTF8.GetBytes(original));
        string checkpoint = dir.Write("aifs-single-mse-1.0.ckpt", Samples.Torch());

        CliRunner.Result r = CliRunner.Run("extract", checkpoint, "--into", manifest,
            "--id", "aifs-single", "--version", "1.0.0", "--asset-id", "aifs-single-ckpt", "--tag", "v1.0");
        Assert.True(r.ExitCode == 0, r.StdErr);
        string after = File.ReadAllText(manifest);
        SchemaValidation.AssertValid(after);

        JsonNode doc = JsonNode.Parse(after)!;
        Assert.Equal(2, doc["models"]!.AsArray().Count);
        Assert.Equal(2, doc["assets"]!.AsArray().Count);
        JsonNode model = doc["models"]![0]!;
        // Hand-written fields survive.
        Assert.Equal("ECMWF", (string?)model["author"]);
        Assert.Equal("ensembleMembers", (string?)model["options"]![0]!["name"]);
        Assert.Equal("compatible", (string?)model["compatibility"]!["accelerators"]!["cuda"]);
        // Variables merge by name: the checkpoint's list wins, hand-written units and descriptions stay.
        var variables = model["inputs"]!["variables"]!.AsArray();
        Assert.Equal(["10u", "2t", "msl"], variables.Select(v => (string?)v!["name"]));
        Assert.Equal("K", (string?)variables[1]!["units"]);
        Assert.Equal("Temperature at 2 m.", (string?)variables[1]!["description"]);
        // Requirements merge by name: the checkpoint's pins win, hand-written extra packages stay.
        var packages = model["requirements"]!["packages"]!.AsArray();
        Assert.Equal("==2.4.1", (string?)packages.Single(p => (string?)p!["name"] == "torch")!["version"]);
        Assert.Contains(packages, p => (string?)p!["name"] == "anemoi-inference");
        Assert.Contains("          { \"name\": \"torch\", \"version\": \"==2.4.1\", \"ecosystem\": \"pypi\" }", after, StringComparison.Ordinal);
        // Extracted fields replace the old ones.
        Assert.Equal("run-42", (string?)model["provenance"]!["trainingRunId"]);
        Assert.Single(model["assets"]!.AsArray());
        JsonNode asset = doc["assets"]![0]!;
        Assert.Equal(new FileInfo(checkpoint).Length, (long)asset["size"]!);
        Assert.Equal("https://models.example.org/aifs/aifs-single-mse-1.0.ckpt", (string?)asset["urls"]![0]);

        // The 0.9.0 model and the v0.9 asset are untouched, byte for byte.
        string oldModel = Slice(original, "    {\n      \"id\": \"aifs-single\",\n      \"version\": \"0.9.0\"", "\n    }\n  ],");
        string oldAsset = Slice(original, "    {\n      \"id\": \"aifs-single-ckpt\",\n      \"tag\": \"v0.9\"", "\n    }\n  ]");
        Assert.Contains(oldModel, after, StringComparison.Ordinal);
        Assert.Contains(oldAsset, after, StringComparison.Ordinal);
        // Everything before the first model and the closing lines are unchanged.
        string head = original[..original.IndexOf("\"models\"", StringComparison.Ordinal)];
        Assert.StartsWith(head, after, StringComparison.Ordinal);
    }

    private static string Slice(string text, string start, string end)
    {
        int s = text.IndexOf(start, StringComparison.Ordinal);
        Assert.True(s >= 0, "start not found: " + start);
        int e = text.IndexOf(end, s, StringComparison.Ordinal);
        return text[s..e];
    }

    [Fact]
    public void Comments_crlf_tabs_and_a_bom_are_preserved()
    {
        using var dir = new TempDir();
        string text = "{\r\n\t// our models\r\n\t\"schemaVersion\": \"1.1\", /* keep me */\r\n\t\"models\": [],\r\n\t\"assets\": [\r\n\t]\r\n}\r\n";
        byte[] bom = [0xEF, 0xBB, 0xBF];
        string manifest = dir.Write("m.models.json", [.. bom, .. Encoding.UTF8.GetBytes(text)]);
        string checkpoint = dir.Write("tiny.safetensors", Samples.Safetensors());

        CliRunner.Result r = CliRunner.Run("extract", checkpoint, "--into", manifest);
        Assert.True(r.ExitCode == 0, r.StdErr);
        byte[] bytes = File.ReadAllBytes(manifest);
        Assert.Equal(bom, bytes[..3]);
        string after = Encoding.UTF8.GetString(bytes, 3, bytes.Length - 3);
        Assert.Contains("// our models", after);
        Assert.Contains("/* keep me */", after);
        Assert.DoesNotContain("\n", after.Replace("\r\n", ""));
        Assert.Contains("\r\n\t\t{\r\n\t\t\t\"id\": \"tiny\"", after);
        JsonNode doc = JsonNode.Parse(after, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip })!;
        Assert.Equal("tiny", (string?)doc["models"]![0]!["id"]);
        Assert.Equal("tiny", (string?)doc["assets"]![0]!["id"]);
    }

    [Fact]
    public void A_manifest_built_from_every_format_passes_the_teams_validate_command()
    {
        using var dir = new TempDir();
        string manifest = dir.File("all.models.json");
        string[][] runs =
        [
            ["extract", dir.Write("linear.safetensors", Samples.Safetensors()), "--into", manifest],
            ["extract", dir.Write("qwen.gguf", Samples.Gguf()), "--into", manifest, "--tag", "q8_0"],
            ["extract", dir.Write("aifs.ckpt", Samples.Torch()), "--into", manifest, "--version", "2.0.0-rc.1"],
            ["extract", dir.Write("conv.onnx", File.ReadAllBytes(Samples.Onnx())), "--into", manifest],
            ["extract", dir.Write("blob.bin", new byte[] { 1, 2, 3 }), "--into", manifest],
            ["verify", dir.File("conv.onnx"), "--into", manifest],
            ["verify", dir.File("qwen.gguf"), "--into", manifest],
        ];
        foreach (string[] args in runs)
        {
            CliRunner.Result step = CliRunner.Run(args);
            Assert.True(step.ExitCode == 0, string.Join(' ', args) + "\n" + step.StdErr);
        }

        SchemaValidation.AssertValid(File.ReadAllText(manifest));
        CliRunner.Result r = CliRunner.Run("validate", manifest);
        Assert.True(r.ExitCode == 0, r.StdOut + r.StdErr);
        Assert.Equal(5, JsonNode.Parse(File.ReadAllText(manifest))!["models"]!.AsArray().Count);
    }

    [Fact]
    public void A_missing_manifest_is_created_valid()
    {
        using var dir = new TempDir();
        string manifest = dir.File("new.models.json");
        string checkpoint = dir.Write("net.onnx", File.ReadAllBytes(Samples.Onnx()));
        CliRunner.Result r = CliRunner.Run("extract", checkpoint, "--into", manifest);
        Assert.True(r.ExitCode == 0, r.StdErr);
        Assert.StartsWith("created", r.StdOut);
        SchemaValidation.AssertValid(File.ReadAllText(manifest));
        // An editor can load the schema it names, offline: a copy beside it, not a URL that nothing serves.
        Assert.Equal("./model-manifest.schema.json", JsonNode.Parse(File.ReadAllText(manifest))!["$schema"]!.GetValue<string>());
        Assert.Equal(File.ReadAllText(Path.Combine(SchemaValidation.RepositoryRoot(), "schema", "model-manifest.schema.json")), File.ReadAllText(dir.File("model-manifest.schema.json")));
    }

    [Fact]
    public void An_unreadable_manifest_is_left_alone_with_one_error_line()
    {
        using var dir = new TempDir();
        string manifest = dir.Write("bad.models.json", "{ \"models\": [ }"u8.ToArray());
        string checkpoint = dir.Write("tiny.safetensors", Samples.Safetensors());
        CliRunner.Result r = CliRunner.Run("extract", checkpoint, "--into", manifest);
        Assert.Equal(2, r.ExitCode);
        CliRunner.AssertOneCleanErrorLine(r, "MM2201");
        Assert.Equal("{ \"models\": [ }", File.ReadAllText(manifest));
    }
}
