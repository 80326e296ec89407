namespace ModelManifest.Tests;

/// <summary>
/// The reader binds manifests with <see cref="ManifestBinder"/> instead of System.Text.Json's serializer (start-up:
/// see its remarks). These tests hold it to what the serializer produced for the same text, property for property:
/// both documents are written back with <see cref="ManifestWriter"/> (the serializer, which writes every member) and
/// compared as text.
/// </summary>
public sealed class ManifestBinderTests
{
    /// <summary>Every member of every contract record, unknown properties at every level, and open values of each JSON kind.</summary>
    private const string EverySection = """
        {
          "$schema": "https://example.org/model-manifest.schema.json",
          "schemaVersion": "1.1",
          "x-top": { "kept": [1, "two", null, true] },
          "models": [
            {
              "id": "m", "version": "2.0.0-rc.1+build.5", "displayName": "M", "description": "d", "author": "a",
              "tags": ["t1", "t2"], "stage": "preview",
              "assets": [{ "id": "a", "tag": "v1", "role": "weights", "x-ref": 1 }, { "id": "b" }],
              "requirements": {
                "packages": [{ "name": "torch", "version": ">=2", "ecosystem": "pypi", "x-pkg": "p" }],
                "runtimes": [{ "name": "python" }],
                "x-req": false
              },
              "compatibility": {
                "platforms": ["linux-x64"], "accelerators": { "cpu": "compatible", "cuda": "incompatible", "npu": "unknown" },
                "minGpuMemoryMiB": 9007199254740993, "minHostMemoryMiB": 0, "x-compat": {}
              },
              "options": [
                { "name": "n", "type": "integer", "description": "o", "default": 3, "minimum": -1.5, "maximum": 1e3,
                  "allowedValues": [1, 2.5, "s", true, null, { "k": [] }], "x-opt": "o" },
                { "name": "s", "type": "string", "default": "text \u00e9\ud83d\ude00" }
              ],
              "inputs": {
                "variables": [
                  { "name": "t", "description": "temp", "units": "K", "levels": [1000, 850.5, 1e-3], "dataType": "float32",
                    "shape": [1, "batch", 3], "x-var": [] }
                ],
                "grid": { "name": "O96", "resolution": "1 deg", "points": 40320, "x-grid": 1 },
                "timeStep": "PT6H", "timeSteps": 2, "x-in": "i"
              },
              "outputs": {
                "variables": [{ "name": "o" }], "grid": { "name": "N320" }, "timeStep": "PT1H", "leadTimes": ["PT6H"], "x-out": 0.5
              },
              "provenance": {
                "framework": "f", "frameworkVersion": "1", "moduleVersions": { "torch": "2.4.1", "numpy": "2" },
                "trainingRunId": "r", "createdAt": "2025-01-01T00:00:00Z", "source": "s", "extractedBy": "e", "x-prov": null
              },
              "metadata": { "nested": { "deep": [1, { "x": "y" }] } },
              "x-model": "kept"
            },
            { "id": "bare", "version": "1.0.0" }
          ],
          "assets": [
            { "id": "a", "tag": "v1", "fileName": "a.bin", "size": 1099511627776, "sha256": "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
              "format": "safetensors", "urls": ["https://example.org/a.bin"], "license": "MIT", "description": "da", "x-asset": { "a": 1 } },
            { "id": "b", "fileName": "b.gguf", "size": 0, "sha256": "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210", "format": "gguf" },
            { "id": "c", "fileName": "c.onnx", "size": 1, "sha256": "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543211", "format": "onnx" },
            { "id": "d", "fileName": "d.pt", "size": 1, "sha256": "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543212", "format": "torch" },
            { "id": "e", "fileName": "e.json", "size": 1, "sha256": "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543213", "format": "tokenizer" },
            { "id": "f", "fileName": "f", "size": 1, "sha256": "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543214", "format": "other" }
          ],
          "metadata": "top-level metadata can be any value"
        }
        """;

    [Theory]
    [MemberData(nameof(ExampleManifestTests.Examples), MemberType = typeof(ExampleManifestTests))]
    public void An_example_binds_as_the_serializer_bound_it(string name)
    {
        string text = File.ReadAllText(Path.Combine(TestPaths.SchemaDirectory, "examples", name));
        AssertSameAsSerializer(text);
    }

    [Fact]
    public void Every_member_and_unknown_property_binds_as_the_serializer_bound_it()
    {
        var bound = AssertSameAsSerializer(EverySection);

        // The comparison above is only as good as what the writer writes: check the sections are really there.
        var model = bound.Models[0];
        Assert.Equal(ModelStage.Preview, model.Stage);
        Assert.Equal(9007199254740993, model.Compatibility!.MinGpuMemoryMiB);
        Assert.Equal(CompatibilityStatus.Incompatible, model.Compatibility.Accelerators["cuda"]);
        Assert.Equal(6, model.Options[0].AllowedValues.Length);
        Assert.Equal([1000, 850.5, 1e-3], model.Inputs!.Variables[0].Levels.ToArray());
        Assert.Equal("batch", model.Inputs.Variables[0].Shape[1].GetString());
        Assert.Equal("2", model.Provenance!.ModuleVersions["numpy"]);
        Assert.Equal("kept", model.AdditionalProperties!["x-model"].GetString());
        Assert.Equal(JsonValueKind.Null, model.Provenance.AdditionalProperties!["x-prov"].ValueKind);
        Assert.Equal(1099511627776, bound.Assets[0].Size);
        Assert.Equal([AssetFormat.Safetensors, AssetFormat.Gguf, AssetFormat.Onnx, AssetFormat.Torch, AssetFormat.Tokenizer, AssetFormat.Other], bound.Assets.Select(a => a.Format));
        Assert.Equal(["x-top"], bound.AdditionalProperties!.Keys);

        // Absent members read as the contract promises: empty arrays and dictionaries, nulls, defaults.
        var bare = bound.Models[1];
        Assert.True(bare.Tags.IsEmpty && bare.Assets.IsEmpty && bare.Options.IsEmpty);
        Assert.Null(bare.AdditionalProperties);
        Assert.Null(bare.Metadata);
        Assert.Equal(ModelStage.Undefined, bare.Stage);
        Assert.Null(bound.Assets[1].AdditionalProperties);
        Assert.True(bound.Assets[1].Urls.IsEmpty);
    }

    [Fact]
    public void Open_values_outlive_the_parsed_document()
    {
        var first = ManifestBinder.Bind(EverySection);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        _ = ManifestBinder.Bind(EverySection); // reuses pooled buffers a disposed document would have pointed into

        Assert.Equal("y", first.Models[0].Metadata!.Value.GetProperty("nested").GetProperty("deep")[1].GetProperty("x").GetString());
        Assert.Equal("text \u00e9\ud83d\ude00", first.Models[0].Options[1].Default!.Value.GetString());
    }

    [Fact]
    public void The_reader_binds_through_the_binder_with_comments_and_trailing_commas()
    {
        string text = ValidManifest.With().Replace("\"models\": [", "// a comment\n  \"models\": [ /* another */", StringComparison.Ordinal)
            .Replace("\"format\": \"torch\" }", "\"format\": \"torch\", }", StringComparison.Ordinal);
        var result = ManifestReader.Read(text);

        Assert.True(result.Diagnostics.IsEmpty, string.Join(Environment.NewLine, result.Diagnostics));
        Assert.Equal(AssetFormat.Torch, result.Document!.Assets[0].Format);
        Assert.Equal(new AssetKey("ckpt", "v1"), result.Document.Models[0].Assets[0].Key);
    }

    [Theory]
    [InlineData("""{ "models": [] }""", "schemaVersion")]
    [InlineData("""{ "schemaVersion": "1.1", "assets": [{ "id": "a", "fileName": "f", "sha256": "s" }] }""", "size")]
    [InlineData("""{ "schemaVersion": "1.1", "assets": [{ "id": "a", "fileName": "f", "size": 1.5, "sha256": "s" }] }""", "size")]
    [InlineData("""{ "schemaVersion": "1.1", "models": [{ "id": "m", "version": "1.0.0", "stage": "Stable" }] }""", "stage")]
    [InlineData("""{ "schemaVersion": "1.1", "models": {} }""", "models")]
    public void What_validation_would_reject_is_a_json_exception_naming_the_property(string text, string property)
    {
        var e = Assert.Throws<JsonException>(() => ManifestBinder.Bind(text));
        Assert.Contains($"'{property}'", e.Message, StringComparison.Ordinal);
    }

    private static ManifestDocument AssertSameAsSerializer(string text)
    {
        var expected = JsonSerializer.Deserialize(text, ManifestJsonContext.Default.ManifestDocument)!;
        var actual = ManifestBinder.Bind(text);
        Assert.Equal(ManifestWriter.ToJson(expected), ManifestWriter.ToJson(actual));
        return actual;
    }
}
