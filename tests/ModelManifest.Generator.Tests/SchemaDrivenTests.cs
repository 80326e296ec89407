using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;

namespace ModelManifest.Generator.Tests;

/// <summary>
/// The typed surface follows the schema: a property added to the schema appears typed, documented and validated
/// without any change to the generator; x-since fields read as undefined for older manifests; a metadata extension
/// schema gives typed metadata and compile-time validation.
/// </summary>
public sealed class SchemaDrivenTests
{
    private const string SchemaPath = "/p/model-manifest.schema.json";

    private static string ModifiedSchema()
    {
        string schema = Harness.EmbeddedSchemaText();
        const string anchor = "\"displayName\": {";
        Assert.Contains(anchor, schema);
        return schema.Replace(anchor, """
            "license": { "type": "string", "description": "License of the model weights as an SPDX expression." },
                    "parameterCount": { "type": "integer", "minimum": 0, "description": "Number of trained parameters." },
                    "quantized": { "type": "boolean", "default": false, "description": "Whether the weights are quantized." },
                    "displayName": {
            """);
    }

    private static GeneratorRun RunWithSchema(string schema, string manifest, string code = "")
        => RunWithSchemaFile(SchemaPath, "ManifestSchema", schema, "/p/m.models.json", manifest, code);

    private static GeneratorRun RunWithSchemaFile(string schemaPath, string role, string schema, string manifestPath, string manifest, string code)
    {
        var files = new AdditionalText[] { new MemoryAdditionalText(schemaPath, schema), new MemoryAdditionalText(manifestPath, manifest) };
        var perFile = new Dictionary<string, IReadOnlyDictionary<string, string>> { [schemaPath] = new Dictionary<string, string> { [Harness.RoleKey] = role } };
        return Harness.Run(Harness.Driver(files, perFile: perFile), code.Length == 0 ? Harness.Compilation() : Harness.Compilation(code));
    }

    [Fact]
    public void A_property_added_to_the_schema_appears_typed_documented_and_validated()
    {
        string manifest = Manifests.Valid(extraModel: ", \"license\": \"Apache-2.0\", \"parameterCount\": 8030261248");
        GeneratorRun run = RunWithSchema(ModifiedSchema(), manifest, """
            namespace Consumer;
            /// <summary>x</summary>
            public static class U
            {
                /// <summary>x</summary>
                public static (string?, long?, bool) Read() => (Models.M.License, Models.M.V1_0_0.ParameterCount, Models.M.Quantized);
            }
            """);
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.CompileDiagnostics);
        Assert.Contains("/// <summary>License of the model weights as an SPDX expression.</summary>", run.Source);
        Assert.Contains("public string? License => \"Apache-2.0\";", run.Source);
        Assert.Contains("public long? ParameterCount => 8030261248L;", run.Source);
        Assert.Contains("public bool Quantized => false;", run.Source);

        // Validated at compile time against the new property's type, at the value.
        (string text, Microsoft.CodeAnalysis.Text.TextSpan span) = Manifests.Marked(Manifests.Valid(extraModel: ", \"license\": ⟦42⟧"));
        GeneratorRun wrong = RunWithSchema(ModifiedSchema(), text);
        Diagnostic d = Assert.Single(wrong.GeneratorDiagnostics);
        Assert.Equal(("MM0100", span), (d.Id, d.Location.SourceSpan));

        // The embedded schema does not know it: a warning, kept, and no member.
        GeneratorRun embedded = Harness.Run(("/p/m.models.json", manifest));
        Assert.Equal(new[] { "MM0110", "MM0110" }, embedded.GeneratorDiagnostics.Select(x => x.Id));
        Assert.DoesNotContain("License", embedded.Source);
    }

    [Fact]
    public void A_permissive_replacement_schema_cannot_make_the_generator_throw()
    {
        const string loose = "{ \"x-schemaVersion\": \"1.1\", \"type\": \"object\", \"properties\": { \"schemaVersion\": { \"type\": \"string\" }, \"models\": { \"type\": \"array\" } } }";
        string manifest = "{ \"schemaVersion\": \"1.1\", \"models\": [1, { \"id\": 5 }, { \"id\": \"a\", \"version\": \"1.0.0\", \"assets\": [3, { \"id\": 4 }], \"options\": [{ \"name\": 7 }, { \"name\": \"n\" }] }] }";
        GeneratorRun run = RunWithSchema(loose, manifest);
        Harness.AssertNoGeneratorFailure(run);
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.CompileDiagnostics);
        Assert.Contains("public static AModel A { get; }", run.Source);
    }

    [Fact]
    public void A_field_newer_than_the_manifest_schema_version_reads_as_undefined()
    {
        GeneratorRun run = Harness.Run(("/p/m.models.json", Manifests.Valid(schemaVersion: "1.0")));
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Contains("public const string SchemaVersion = \"1.0\";", run.Source);
        Assert.Contains("public string Stage => \"undefined\";", run.Source);
        Assert.Contains("This manifest states schema 1.0, which predates it", run.Source);
    }

    [Fact]
    public void Unusable_schema_files_are_reported_and_ignored()
    {
        var files = new AdditionalText[]
        {
            new MemoryAdditionalText("/p/bad.schema.json", "{ \"type\": \"object\", \"properties\": { \"x\": { \"type\": \"banana\" } } }"),
            new MemoryAdditionalText("/p/one.schema.json", "{ \"type\": \"object\" }"),
            new MemoryAdditionalText("/p/two.schema.json", "{ \"type\": \"object\" }"),
            new MemoryAdditionalText("/p/m.models.json", Manifests.Valid()),
        };
        var role = new Dictionary<string, string> { [Harness.RoleKey] = "MetadataSchema" };
        var perFile = new Dictionary<string, IReadOnlyDictionary<string, string>> { ["/p/bad.schema.json"] = role, ["/p/one.schema.json"] = role, ["/p/two.schema.json"] = role };
        GeneratorRun run = Harness.Run(Harness.Driver(files, perFile: perFile), Harness.Compilation());
        Harness.AssertNoGeneratorFailure(run);
        Assert.Equal(new[] { ("MM0403", "/p/bad.schema.json"), ("MM0404", "/p/two.schema.json") },
            run.GeneratorDiagnostics.Select(d => (d.Id, d.Location.GetLineSpan().Path)).OrderBy(x => x.Id));
        Assert.Contains("unknown type 'banana'", run.GeneratorDiagnostics[0].GetMessage(), StringComparison.OrdinalIgnoreCase);
        Assert.Empty(run.CompileDiagnostics);
    }

    private const string MetadataSchema = """
        {
          "type": "object",
          "required": ["dataset"],
          "properties": {
            "dataset": { "type": "string", "description": "Training data set name." },
            "members": { "type": "integer", "minimum": 1, "description": "Ensemble size used in training." },
            "class": { "type": "string", "description": "A keyword as a name." }
          }
        }
        """;

    private static GeneratorRun RunWithMetadataSchema(string manifest, string code = "")
        => RunWithSchemaFile("/p/weather-metadata.schema.json", "MetadataSchema", MetadataSchema, "/p/weather.models.json", manifest, code);

    [Fact]
    public void A_metadata_extension_schema_gives_typed_metadata()
    {
        GeneratorRun run = RunWithMetadataSchema(Harness.Example("weather").Replace("\"metadata\": { \"dataset\": \"era5-o96-1979-2022\" }", "\"metadata\": { \"dataset\": \"era5-o96-1979-2022\", \"members\": 4 }").Replace("\"stage\": \"deprecated\",", "\"stage\": \"deprecated\", \"metadata\": { \"dataset\": \"era5\" },"), """
            namespace Consumer;
            /// <summary>x</summary>
            public static class U
            {
                /// <summary>x</summary>
                public static (string, long?, string?) Read() => (Models.AifsSingle.Metadata.Dataset, Models.AifsSingle.V1_0_0.Metadata.Members, Models.AifsSingle.Metadata.Class);
            }
            """);
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.CompileDiagnostics);
        Assert.Contains("public sealed class ModelMetadata", run.Source);
        Assert.Contains("/// <summary>Training data set name.</summary>", run.Source);
        Assert.Contains("new ModelMetadata(\"era5-o96-1979-2022\", 4L, null)", run.Source);
    }

    [Fact]
    public void Metadata_is_validated_against_the_extension_schema_at_the_value()
    {
        (string text, Microsoft.CodeAnalysis.Text.TextSpan span) = Manifests.Marked(Harness.Example("weather").Replace("\"metadata\": { \"dataset\": \"era5-o96-1979-2022\" }", "\"metadata\": { \"dataset\": \"era5\", \"members\": ⟦0⟧ }"));
        GeneratorRun run = RunWithMetadataSchema(text);
        DiagnosticTests.AssertLocated(run, "MM0104", "/p/weather.models.json", text, span);
        Assert.Contains("members", run.GeneratorDiagnostics[0].GetMessage());

        // Only the model version with the bad metadata is left out; the rest of the manifest stays typed.
        Assert.DoesNotContain("V1_0_0", run.Source);
        Assert.Contains("public Version0_9_0 V0_9_0", run.Source);
    }

    [Fact]
    public void Integer_options_with_32_bit_bounds_are_int_and_others_long()
    {
        GeneratorRun run = Harness.Run(("/p/m.models.json", Manifests.Valid(extraModel: ", \"options\": [{ \"name\": \"small\", \"type\": \"integer\", \"minimum\": 1, \"maximum\": 9, \"default\": 2 }, { \"name\": \"big\", \"type\": \"integer\", \"default\": 2 }, { \"name\": \"flag\", \"type\": \"boolean\", \"default\": true }]")));
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Matches(new Regex(@"class SmallOption[\s\S]*public int Default => 2;"), run.Source);
        Assert.Matches(new Regex(@"class BigOption[\s\S]*public long Default => 2L;"), run.Source);
        Assert.Matches(new Regex(@"class FlagOption[\s\S]*public bool Default => true;"), run.Source);
        Assert.Empty(run.CompileDiagnostics);
    }
}
