extern alias gen;

using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace ModelManifest.Generator.Tests;

/// <summary>Each rule the generator reports, at its exact location in the manifest; errors never give broken code.</summary>
public sealed class DiagnosticTests
{
    private const string Path1 = "/project/models/a.models.json";
    private const string Path2 = "/project/models/b.models.json";

    public static TheoryData<string, string> SingleFileCases => new()
    {
        { "MM0002", "{ \"schemaVersion\": \"1.1\", \"models\": [⟦}⟧" },
        { "MM0003", "{ \"schemaVersion\": \"1.1\", \"metadata\": " + new string('[', 127) + "⟦[⟧" + new string(']', 128) + " }" },
        { "MM0004", "{ \"schemaVersion\": \"1.1\", ⟦\"schemaVersion\"⟧: \"1.1\" }" },
        { "MM0005", "⟦⟧" },
        { "MM0010", "{ \"schemaVersion\": ⟦\"1\"⟧ }" },
        { "MM0011", "{ \"schemaVersion\": ⟦\"2.0\"⟧ }" },
        { "MM0012", "{ \"schemaVersion\": ⟦\"1.9\"⟧ }" },
        { "MM0100", "{ \"schemaVersion\": \"1.1\", \"models\": ⟦5⟧ }" },
        { "MM0101", "{ \"schemaVersion\": \"1.1\", \"models\": [⟦{⟧ \"id\": \"m\" }] }" },
        { "MM0102", Manifests.Valid(extraAsset: ", \"format\": ⟦\"zip\"⟧") },
        { "MM0104", Manifests.Valid().Replace("\"size\": 1", "\"size\": ⟦-1⟧") },
        { "MM0105", Manifests.Valid().Replace("\"fileName\": \"a.bin\"", "\"fileName\": ⟦\"\"⟧") },
        { "MM0106", Manifests.Valid().Replace("{ \"id\": \"m\"", "{ \"id\": ⟦\"-m\"⟧") },
        { "MM0110", "{ \"schemaVersion\": \"1.1\", ⟦\"extra\"⟧: 1 }" },
        { "MM0200", Manifests.Valid(extraModel: " }, { \"id\": ⟦\"m\"⟧, \"version\": \"1.0.0\"") },
        { "MM0201", Manifests.Valid(extraAsset: " }, { \"id\": ⟦\"a\"⟧, \"fileName\": \"b.bin\", \"size\": 2, \"sha256\": \"" + Manifests.OtherSha + "\"") },
        { "MM0202", Manifests.Valid().Replace("[{ \"id\": \"a\", \"role\": \"weights\" }]", "[⟦{ \"id\": \"nope\" }⟧]") },
        { "MM0203", Manifests.Valid(sha: "⟦xyz⟧").Replace("\"⟦xyz⟧\"", "⟦\"xyz\"⟧") },
        { "MM0204", Manifests.Valid().Replace("\"version\": \"1.0.0\"", "\"version\": ⟦\"1.0\"⟧") },
        { "MM0205", Manifests.Valid().Replace("\"fileName\": \"a.bin\"", "\"fileName\": ⟦\"../a.bin\"⟧") },
        { "MM0206", Manifests.Valid(extraModel: ", \"options\": [{ \"name\": \"k\", \"type\": \"integer\", \"minimum\": 1, \"maximum\": 5, \"default\": ⟦9⟧ }]") },
        { "MM0207", Manifests.Valid().Replace("\"size\": 1", "\"size\": ⟦99999999999999999999⟧") },
        { "MM0208", Manifests.Valid(extraAsset: ", \"urls\": [⟦\"ftp://example.org/a\"⟧]") },
        { "MM0401", Manifests.Valid(extraModel: " }, { \"id\": ⟦\"m.\"⟧, \"version\": \"1.0.0\"") },
    };

    [Theory]
    [MemberData(nameof(SingleFileCases))]
    public void Rule_is_reported_at_the_offending_token(string id, string marked)
    {
        (string text, TextSpan span) = Manifests.Marked(marked);
        GeneratorRun run = Harness.Run((Path1, text));
        AssertLocated(run, id, Path1, text, span);
    }

    [Fact]
    public void MM0202_reference_to_an_asset_of_another_manifest_resolves_and_a_dangling_one_is_located()
    {
        string assets = "{ \"schemaVersion\": \"1.1\", \"assets\": [{ \"id\": \"shared\", \"fileName\": \"s.bin\", \"size\": 1, \"sha256\": \"" + Manifests.Sha + "\" }] }";
        string models = "{ \"schemaVersion\": \"1.1\", \"models\": [{ \"id\": \"m\", \"version\": \"1.0.0\", \"assets\": [{ \"id\": \"shared\", \"role\": \"weights\" }, ⟦{ \"id\": \"gone\" }⟧] }] }";
        (string text, TextSpan span) = Manifests.Marked(models);
        GeneratorRun run = Harness.Run((Path1, assets), (Path2, text));
        AssertLocated(run, "MM0202", Path2, text, span);
        Assert.Single(run.GeneratorDiagnostics);

        GeneratorRun fixedRun = Harness.Run((Path1, assets), (Path2, text.Replace(", { \"id\": \"gone\" }", string.Empty)));
        Assert.Empty(fixedRun.GeneratorDiagnostics);
        Assert.Contains("public global::ModelManifest.AssetInfo Weights => __ManifestData.Asset(\"shared\", null);", fixedRun.Source);
    }

    [Fact]
    public void MM0300_one_asset_key_with_two_digests_in_two_manifests()
    {
        string first = Manifests.Valid();
        (string text, TextSpan span) = Manifests.Marked(Manifests.Valid(modelId: "n", sha: Manifests.OtherSha).Replace("{ \"id\": \"a\", \"fileName\"", "{ \"id\": ⟦\"a\"⟧, \"fileName\""));
        GeneratorRun run = Harness.Run((Path1, first), (Path2, text));
        AssertLocated(run, "MM0300", Path2, text, span);
        Assert.DoesNotContain("\"n\"", run.Source);
    }

    [Fact]
    public void MM0402_one_model_version_in_two_manifests()
    {
        (string text, TextSpan span) = Manifests.Marked(Manifests.Valid().Replace("{ \"id\": \"m\"", "{ \"id\": ⟦\"m\"⟧"));
        GeneratorRun run = Harness.Run((Path1, Manifests.Valid()), (Path2, text));
        AssertLocated(run, "MM0402", Path2, text, span);
        Assert.Contains(Path1, run.GeneratorDiagnostics.Single(d => d.Id == "MM0402").GetMessage());
    }

    [Fact]
    public void MM0400_a_file_the_compiler_decoded_with_a_fallback_code_page()
    {
        byte[] bytes = Encoding.UTF8.GetBytes(Manifests.Valid(modelId: "caf"));
        int at = Array.IndexOf(bytes, (byte)'f') + 1;
        byte[] latin = bytes.Take(at).Concat(new byte[] { 0xE9 }).Concat(bytes.Skip(at)).ToArray(); // "café" in Latin-1
        var file = MemoryAdditionalText.FromBytes(Path1, latin);
        GeneratorRun run = Harness.Run(Harness.Driver(new[] { file }), Harness.Compilation());
        string text = file.GetText()!.ToString();
        AssertLocated(run, "MM0400", Path1, text, new TextSpan(text.IndexOf('é'), 1));
    }

    [Fact]
    public void MM0006_a_file_the_compiler_could_not_read()
    {
        GeneratorRun run = Harness.Run(Harness.Driver(new[] { new MemoryAdditionalText(Path1, (SourceText?)null) }), Harness.Compilation());
        Diagnostic d = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal("MM0006", d.Id);
        Assert.Equal(Path1, d.Location.GetLineSpan().Path);
    }

    [Fact]
    public void MM0401_two_model_ids_with_one_csharp_name_name_both_and_the_code_compiles()
    {
        (string text, TextSpan span) = Manifests.Marked(Manifests.Valid(modelId: "foo-bar", extraModel: " }, { \"id\": ⟦\"foo.bar\"⟧, \"version\": \"2.0.0\""));
        GeneratorRun run = Harness.Run((Path1, text));
        AssertLocated(run, "MM0401", Path1, text, span);
        string message = run.GeneratorDiagnostics.Single().GetMessage();
        Assert.Contains("'foo-bar'", message);
        Assert.Contains("'foo.bar'", message);
        Assert.Contains("FooBar", message);
        Assert.Empty(run.CompileDiagnostics);
    }

    [Fact]
    public void MM0401_two_asset_references_with_one_role()
    {
        string marked = Manifests.Valid(extraAsset: " }, { \"id\": \"b\", \"fileName\": \"b.bin\", \"size\": 2, \"sha256\": \"" + Manifests.OtherSha + "\"")
            .Replace("{ \"id\": \"a\", \"role\": \"weights\" }]", "{ \"id\": \"a\", \"role\": \"weights\" }, ⟦{ \"id\": \"b\", \"role\": \"weights\" }⟧]");
        (string text, TextSpan span) = Manifests.Marked(marked);
        GeneratorRun run = Harness.Run((Path1, text));
        AssertLocated(run, "MM0401", Path1, text, span);
        Assert.Empty(run.CompileDiagnostics);
    }

    [Fact]
    public void A_manifest_with_errors_generates_nothing_from_that_file_and_the_rest_still_compiles()
    {
        string bad = Manifests.Valid(modelId: "broken", sha: "xyz");
        GeneratorRun run = Harness.Run((Path1, bad), (Path2, Manifests.Valid(modelId: "fine", assetId: "b")));
        Assert.Contains(run.GeneratorDiagnostics, d => d.Id == "MM0203");
        Assert.DoesNotContain("Broken", run.Source);
        Assert.Contains("public static FineModel Fine", run.Source);
        Assert.Empty(run.CompileDiagnostics);
    }

    [Fact]
    public void Severity_is_configurable_like_any_analyzer_rule()
    {
        string text = "{ \"schemaVersion\": \"1.1\", \"extra\": 1 }";
        var driver = Harness.Driver(new[] { new MemoryAdditionalText(Path1, text) });
        var compilation = Harness.Compilation();
        compilation = compilation.WithOptions(compilation.Options.WithSpecificDiagnosticOptions(
            compilation.Options.SpecificDiagnosticOptions.SetItem("MM0110", ReportDiagnostic.Error)));
        GeneratorRun run = Harness.Run(driver, compilation);
        Diagnostic d = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal(("MM0110", DiagnosticSeverity.Error), (d.Id, d.Severity));

        compilation = compilation.WithOptions(compilation.Options.WithSpecificDiagnosticOptions(
            compilation.Options.SpecificDiagnosticOptions.SetItem("MM0110", ReportDiagnostic.Suppress)));
        Assert.Empty(Harness.Run(driver, compilation).GeneratorDiagnostics);
    }

    internal static void AssertLocated(GeneratorRun run, string id, string path, string text, TextSpan span)
    {
        Harness.AssertNoGeneratorFailure(run);
        Diagnostic? d = run.GeneratorDiagnostics.FirstOrDefault(x => x.Id == id);
        Assert.True(d is not null, "expected " + id + ", got: " + string.Join(" | ", run.GeneratorDiagnostics));
        FileLinePositionSpan lines = d!.Location.GetLineSpan();
        Assert.Equal(path, lines.Path);
        Assert.Equal(span, d.Location.SourceSpan);
        Assert.Equal(SourceText.From(text).Lines.GetLinePositionSpan(span), lines.Span);
        Assert.StartsWith("https://", d.Descriptor.HelpLinkUri);
        Assert.Empty(run.CompileDiagnostics);
    }
}
