extern alias gen;

using System.Globalization;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using ModelManifest.Testing;
using CatalogBuilder = gen::ModelManifest.Generator.CatalogBuilder;

namespace ModelManifest.Generator.Tests;

/// <summary>
/// Large valid manifests compile (issue 15 item 6): the manifest data is embedded as UTF-8 bytes, not as C# strings
/// (which overflowed the 16 MB user-string heap: 22,753 × CS8103 at 4,000 models), and past the documented limit the
/// generator says so with MM0406 instead of driving the compiler out of memory.
/// </summary>
public sealed class LargeCatalogTests
{
    [Fact]
    public void A_4000_model_manifest_compiles_with_no_errors_and_binds_at_run_time()
    {
        string manifest = LargeManifestBuilder.Build(models: 4000, assets: 24000);
        Assert.True(Encoding.UTF8.GetByteCount(manifest) > 8_000_000, "the manifest of the issue is 8.4 MB");
        GeneratorRun run = Harness.RunWithCode(
            "namespace Consumer;\n/// <summary>x</summary>\npublic static class U\n{\n    /// <summary>x</summary>\n    public static object[] Read() => new object[] { Models.Model3999.Info, Models.Snapshot.Models.Length, Models.Snapshot.Assets.Length };\n}",
            ("/p/large.models.json", manifest));

        Harness.AssertNoGeneratorFailure(run);
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Contains("u8;", run.Source); // the manifest is data, not a C# string

        // Emitting compiles everything once (no separate GetDiagnostics pass: at this size each pass costs minutes).
        object[] values = PartialCatalogTests.Invoke(run);
        Assert.Equal("model-3999", ((ModelInfo)values[0]).Id);
        Assert.Equal(4000, values[1]);
        Assert.Equal(24000, values[2]);
    }

    [Fact]
    public void Without_utf8_literals_C_sharp_10_gets_the_data_as_a_byte_array_and_compiles()
    {
        var parse = new CSharpParseOptions(LanguageVersion.CSharp10, DocumentationMode.Diagnose);
        Compilation compilation = Harness.Compilation();
        GeneratorDriver driver = CSharpGeneratorDriver.Create(
            new[] { new gen::ModelManifest.Generator.ModelManifestGenerator().AsSourceGenerator() },
            new[] { new MemoryAdditionalText("/p/m.models.json", Manifests.Valid()) },
            parse,
            new TestOptionsProvider(new Dictionary<string, string> { ["build_property.RootNamespace"] = "Consumer" }, new Dictionary<string, IReadOnlyDictionary<string, string>>()));
        GeneratorRun run = Harness.Run(driver, compilation);
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.CompileDiagnostics);
        Assert.Contains("new byte[] {", run.Source);
        Assert.DoesNotContain("u8;", run.Source);
    }

    [Fact]
    public void MM0406_a_manifest_past_the_model_limit_is_left_out_located_and_the_rest_still_compiles()
    {
        var sb = new StringBuilder("{\n  \"schemaVersion\": \"1.1\",\n  \"models\": [\n");
        for (int i = 0; i <= CatalogBuilder.MaxModelVersions; i++)
        {
            sb.Append(i == 0 ? "    " : ",\n    ").Append("{ \"id\": \"m").Append(i.ToString(CultureInfo.InvariantCulture)).Append("\", \"version\": \"1.0.0\" }");
        }

        string huge = sb.Append("\n  ]\n}\n").ToString();
        GeneratorRun run = Harness.RunWithCode(
            "namespace Consumer;\n/// <summary>x</summary>\npublic static class U\n{\n    /// <summary>x</summary>\n    public static ModelManifest.ModelInfo M => Models.M;\n}",
            ("/p/a.models.json", Manifests.Valid()),
            ("/p/z-huge.models.json", huge));

        Harness.AssertNoGeneratorFailure(run);
        Diagnostic d = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal("MM0406", d.Id);
        Assert.Equal("/p/z-huge.models.json", d.Location.GetLineSpan().Path);
        Assert.Equal(huge.IndexOf("\"m0\"", StringComparison.Ordinal), d.Location.SourceSpan.Start);
        Assert.Contains(CatalogBuilder.MaxModelVersions.ToString(CultureInfo.InvariantCulture), d.GetMessage(CultureInfo.InvariantCulture));
        Assert.Empty(run.CompileDiagnostics);
    }
}
