extern alias gen;

using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using GeneratorDescriptors = gen::ModelManifest.Generator.DiagnosticDescriptors;
using ManifestAnalyzer = gen::ModelManifest.Generator.ModelManifestAnalyzer;
using SharedDescriptors = ModelManifest.Reading.ManifestDiagnosticDescriptors;

namespace ModelManifest.Generator.Tests;

/// <summary>Rule table consistency, identifier spelling, and the live analyzer.</summary>
public sealed class RuleTests
{
    [Fact]
    public void Every_shared_rule_maps_to_a_roslyn_descriptor_with_the_same_id_title_category_severity_and_help_link()
    {
        foreach (var shared in SharedDescriptors.All)
        {
            DiagnosticDescriptor roslyn = Assert.Single(GeneratorDescriptors.All, d => d.Id == shared.Id);
            Assert.Equal(shared.Title, roslyn.Title.ToString());
            Assert.Equal(shared.Category, roslyn.Category);
            Assert.Equal(shared.HelpLink, roslyn.HelpLinkUri);
            Assert.Equal(shared.DefaultSeverity.ToString(), roslyn.DefaultSeverity.ToString());
            Assert.True(roslyn.IsEnabledByDefault);
        }

        Assert.All(GeneratorDescriptors.All.Where(d => SharedDescriptors.Find(d.Id) is null), d => Assert.StartsWith("MM04", d.Id));
    }

    [Fact]
    public void Every_help_link_is_the_rule_s_anchor_in_docs_diagnostics_md()
    {
        Assert.All(GeneratorDescriptors.All, d =>
        {
            Assert.Equal("https://github.com/modelmanifest/ModelManifest.Build/blob/main/docs/diagnostics.md#" + d.Id.ToLowerInvariant(), d.HelpLinkUri);
            Assert.EndsWith("#" + d.Id.ToLowerInvariant(), d.HelpLinkUri);
        });
        Assert.All(SharedDescriptors.All, d => Assert.StartsWith(SharedDescriptors.HelpLinkBase, d.HelpLink));
    }

    [Fact]
    public void No_generator_source_links_to_example_invalid()
    {
        string root = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "..", "src"));
        if (!Directory.Exists(Path.Combine(root, "ModelManifest.Generator")))
        {
            root = Path.GetFullPath(Path.Combine(Harness.SourceDirectory(), "..", "..", "src"));
        }

        var offenders = Directory.EnumerateFiles(Path.Combine(root, "ModelManifest.Generator"), "*.cs", SearchOption.AllDirectories)
            .Concat(Directory.EnumerateFiles(Path.Combine(root, "ModelManifest", "Reading"), "*.cs"))
            .Where(f => !f.Contains(Path.DirectorySeparatorChar + "obj" + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            .Where(f => File.ReadAllText(f).Contains("example.invalid", StringComparison.Ordinal))
            .ToList();
        Assert.Empty(offenders);
    }

    [Fact]
    public void An_id_without_a_descriptor_is_reported_as_an_internal_error_naming_it_never_as_another_rule()
    {
        var info = new gen::ModelManifest.Generator.Helpers.DiagnosticInfo("MM0999", "some finding", DiagnosticSeverity.Error, "/p/m.models.json", default, default);
        Diagnostic d = info.ToDiagnostic();
        Assert.Equal("MM0405", d.Id);
        Assert.Contains("MM0999", d.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Contains("some finding", d.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Null(GeneratorDescriptors.Find("MM0999"));
    }

    [Fact]
    public void Cross_file_rules_give_the_generator_and_the_runtime_merge_the_same_findings()
    {
        const string first = "/p/a.models.json";
        const string second = "/p/b.models.json";
        string one = Manifests.Valid();
        string two = Manifests.Valid(modelId: "n", sha: Manifests.OtherSha).Replace("[{ \"id\": \"a\", \"role\": \"weights\" }]", "[{ \"id\": \"a\", \"role\": \"weights\" }, { \"id\": \"a\", \"tag\": \"q4\" }]");

        GeneratorRun run = Harness.Run((first, one), (second, two));
        var merged = ModelManifest.ManifestMerger.Merge(new[]
        {
            new ModelManifest.ManifestMergeInput(ModelManifest.ManifestReader.Read(one, first, resolveReferences: false).Document!, first),
            new ModelManifest.ManifestMergeInput(ModelManifest.ManifestReader.Read(two, second, resolveReferences: false).Document!, second),
        });

        foreach (string id in new[] { "MM0300", "MM0202" })
        {
            Assert.Equal(
                Assert.Single(merged.Diagnostics, d => d.Id == id).Message,
                Assert.Single(run.GeneratorDiagnostics, d => d.Id == id).GetMessage(System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    [Fact]
    public void Release_tracking_lists_every_rule_once()
    {
        string dir = Path.Combine(AppContext.BaseDirectory, "releases");
        var listed = File.ReadAllLines(Path.Combine(dir, "AnalyzerReleases.Unshipped.md")).Concat(File.ReadAllLines(Path.Combine(dir, "AnalyzerReleases.Shipped.md")))
            .Where(l => l.StartsWith("MM", StringComparison.Ordinal)).Select(l => l.Split('|')[0].Trim()).ToList();
        Assert.Equal(GeneratorDescriptors.All.Select(d => d.Id).OrderBy(x => x), listed.OrderBy(x => x));
    }

    [Theory]
    [InlineData("aifs-single", "AifsSingle")]
    [InlineData("aifs-single-1.0", "AifsSingle10")]
    [InlineData("llama3:8b", "Llama38b")]
    [InlineData("llama3:8b-q8", "Llama38bQ8")]
    [InlineData("2t", "_2t")]
    [InlineData("resnet50", "Resnet50")]
    [InlineData("q4_k_m", "Q4KM")]
    [InlineData("---", "_Unnamed")]
    [InlineData("café-ü", "CaféÜ")]
    public void Ids_become_readable_identifiers(string id, string expected)
        => Assert.Equal(expected, gen::ModelManifest.Generator.Helpers.CSharpIdentifiers.ToIdentifier(id));

    [Theory]
    [InlineData("class", "@class")]
    [InlineData("Class", "Class")]
    [InlineData("record", "@record")]
    public void Keywords_are_escaped(string name, string expected)
        => Assert.Equal(expected, gen::ModelManifest.Generator.Helpers.CSharpIdentifiers.EscapeKeyword(name));

    [Fact]
    public void Text_from_manifests_cannot_escape_a_doc_comment_or_a_string_literal()
    {
        string hostile = "a\u2028public class X {}\r\n</summary><x>\u0001\"\\\u0085end";
        GeneratorRun run = Harness.Run(("/p/m.models.json", Manifests.Valid(extraModel: ", \"description\": " + System.Text.Json.JsonSerializer.Serialize(hostile))));
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.CompileDiagnostics);
        Assert.DoesNotContain(run.Output.SyntaxTrees.Last().GetRoot().DescendantNodes(), n => n is Microsoft.CodeAnalysis.CSharp.Syntax.ClassDeclarationSyntax c && c.Identifier.Text == "X");
    }

    [Fact]
    public async Task The_live_analyzer_reports_a_manifest_s_own_diagnostics_and_the_generator_then_leaves_them_to_it()
    {
        (string text, Microsoft.CodeAnalysis.Text.TextSpan span) = Manifests.Marked(Manifests.Valid(sha: "xyz").Replace("\"xyz\"", "⟦\"xyz\"⟧"));
        var file = new MemoryAdditionalText("/p/m.models.json", text);
        var global = new Dictionary<string, string> { ["build_property.RootNamespace"] = "Consumer", ["build_property.ModelManifestLiveAnalysis"] = "true" };
        var options = new TestOptionsProvider(global, new Dictionary<string, IReadOnlyDictionary<string, string>>());
        Compilation compilation = Harness.Compilation("namespace Consumer; /// <summary>x</summary>\npublic static class A { }");

        var withAnalyzers = compilation.WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(new ManifestAnalyzer()), new AnalyzerOptions(ImmutableArray.Create<AdditionalText>(file), options));
        ImmutableArray<Diagnostic> live = await withAnalyzers.GetAnalyzerDiagnosticsAsync();
        Diagnostic d = Assert.Single(live);
        Assert.Equal(("MM0203", "/p/m.models.json", span), (d.Id, d.Location.GetLineSpan().Path, d.Location.SourceSpan));

        GeneratorRun run = Harness.Run(Harness.Driver(new[] { file }, global), compilation);
        Assert.Empty(run.GeneratorDiagnostics);

        // Without the property the analyzer is silent and the generator reports.
        global.Remove("build_property.ModelManifestLiveAnalysis");
        var silent = compilation.WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(new ManifestAnalyzer()), new AnalyzerOptions(ImmutableArray.Create<AdditionalText>(file), new TestOptionsProvider(global, new Dictionary<string, IReadOnlyDictionary<string, string>>())));
        Assert.Empty(await silent.GetAnalyzerDiagnosticsAsync());
        Assert.Equal("MM0203", Assert.Single(Harness.Run(Harness.Driver(new[] { file }, global), compilation).GeneratorDiagnostics).Id);
    }
}
