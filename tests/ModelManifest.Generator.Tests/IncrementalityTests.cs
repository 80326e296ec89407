extern alias gen;

using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Steps = gen::ModelManifest.Generator.ModelManifestGenerator.Steps;

namespace ModelManifest.Generator.Tests;

/// <summary>Step tracking: unrelated edits re-parse nothing; editing one manifest re-parses only that one.</summary>
public sealed class IncrementalityTests
{
    private static readonly string[] s_manifestSteps = { Steps.Manifests, Steps.ManifestsWithSchemas, Steps.Parse, Steps.Schemas, Steps.Options, Steps.Collect, Steps.CatalogInputs, Steps.Catalog };

    private static (GeneratorDriver Driver, Compilation Compilation, MemoryAdditionalText[] Files) Start()
    {
        var files = new[]
        {
            new MemoryAdditionalText("/p/weather.models.json", Harness.Example("weather")),
            new MemoryAdditionalText("/p/language.models.json", Harness.Example("language")),
            new MemoryAdditionalText("/p/vision.models.json", Harness.Example("vision")),
        };
        Compilation compilation = Harness.Compilation("namespace Consumer; /// <summary>x</summary>\npublic static class A { }");
        GeneratorDriver driver = Harness.Driver(files, track: true).RunGenerators(compilation);
        return (driver, compilation, files);
    }

    [Fact]
    public void Editing_a_cs_file_leaves_every_manifest_step_cached()
    {
        var (driver, compilation, _) = Start();
        SyntaxTree old = compilation.SyntaxTrees.First();
        Compilation edited = compilation.ReplaceSyntaxTree(old, CSharpSyntaxTree.ParseText("namespace Consumer; /// <summary>y</summary>\npublic static class A { public static int B => 1; }", Harness.ParseOptions, old.FilePath));
        GeneratorRunResult result = driver.RunGenerators(edited).GetRunResult().Results.Single();

        foreach (string step in s_manifestSteps)
        {
            Assert.True(result.TrackedSteps.ContainsKey(step), "step " + step + " was not tracked; tracked: " + string.Join(", ", result.TrackedSteps.Keys));
            foreach (IncrementalGeneratorRunStep run in result.TrackedSteps[step])
            {
                Assert.All(run.Outputs, o => Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, step + ": " + o.Reason));
            }
        }

        // Every other tracked step (Roslyn does not always record a fully cached Select such as SchemaFiles) is cached too.
        Assert.All(result.TrackedSteps.Where(s => s.Key.StartsWith("ModelManifest.", StringComparison.Ordinal)).SelectMany(s => s.Value).SelectMany(s => s.Outputs),
            o => Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, o.Reason.ToString()));
        Assert.All(result.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs),
            o => Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, o.Reason.ToString()));
    }

    [Fact]
    public void Editing_one_manifest_reparses_only_that_manifest()
    {
        var (driver, compilation, files) = Start();
        string edited = Harness.Example("vision").Replace("ImageNet image classifier", "ImageNet classifier");
        driver = driver.ReplaceAdditionalText(files[2], new MemoryAdditionalText(files[2].Path, edited));
        GeneratorRunResult result = driver.RunGenerators(compilation).GetRunResult().Results.Single();

        var parse = result.TrackedSteps[Steps.Parse].SelectMany(s => s.Outputs).Select(o => o.Reason).ToList();
        Assert.Equal(3, parse.Count);
        Assert.Equal(1, parse.Count(r => r == IncrementalStepRunReason.Modified));
        Assert.Equal(2, parse.Count(r => r == IncrementalStepRunReason.Cached));
        Assert.Contains("ImageNet classifier", driver.RunGenerators(compilation).GetRunResult().GeneratedTrees.Single().ToString());
    }

    [Fact]
    public void A_whitespace_edit_of_a_manifest_reparses_it_but_leaves_the_catalog_unchanged_when_specs_are_equal()
    {
        var (driver, compilation, files) = Start();
        driver = driver.ReplaceAdditionalText(files[1], new MemoryAdditionalText(files[1].Path, Harness.Example("language")));
        GeneratorRunResult result = driver.RunGenerators(compilation).GetRunResult().Results.Single();
        var parse = result.TrackedSteps[Steps.Parse].SelectMany(s => s.Outputs).Select(o => o.Reason).ToList();
        Assert.Contains(IncrementalStepRunReason.Unchanged, parse);
        Assert.All(result.TrackedSteps[Steps.Catalog].SelectMany(s => s.Outputs), o => Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged));
    }
}
