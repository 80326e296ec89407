using System.Reflection;
using Microsoft.CodeAnalysis;

namespace ModelManifest.Generator.Tests;

/// <summary>The generated catalog compiles warning-free (nullable, docs, warnings as errors) and works at run time.</summary>
public sealed class CompileTests
{
    private const string UserCode = """
        using System.Collections.Generic;
        using ModelManifest;

        namespace Consumer;

        /// <summary>Uses the catalog as the issue shows.</summary>
        public static class Usage
        {
            /// <summary>Reads everything once.</summary>
            public static IReadOnlyList<object> Values()
            {
                ModelInfo m = Models.AifsSingle;
                ModelInfo pinned = Models.AifsSingle.V1_0_0;
                ModelInfo older = Models.AifsSingle.V0_9_0;
                AssetInfo ckpt = Models.AifsSingle.Assets.Checkpoint;
                int members = Models.AifsSingle.Options.EnsembleMembers.Default;
                double temperature = Models.Llama38b.Options.Temperature.Default;
                IReadOnlyList<string> precisions = Models.AifsSingle.Options.Precision.AllowedValues;
                string stage = Models.AifsSingle.V0_9_0.Stage;
                string? displayName = Models.AifsSingle.DisplayName;
                AssetInfo tokenizer = Models.Llama3Guard.Assets.Tokenizer;
                var all = new List<string>();
                foreach (ModelInfo model in Models.All)
                {
                    all.Add(model.Id + " " + model.Version);
                }

                return new object[] { m, pinned, older, ckpt, members, temperature, precisions, stage, displayName ?? "", tokenizer, all, Models.SchemaVersion, Models.AifsSingle.SchemaVersion };
            }
        }
        """;

    [Fact]
    public void Examples_compile_without_warnings_and_bind_at_run_time()
    {
        GeneratorRun run = Harness.RunWithCode(
            UserCode,
            ("/p/weather.models.json", Harness.Example("weather")),
            ("/p/language.models.json", Harness.Example("language")),
            ("/p/vision.models.json", Harness.Example("vision")));
        Harness.AssertNoGeneratorFailure(run);
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.CompileDiagnostics);

        using var stream = new MemoryStream();
        var emit = run.Output.Emit(stream);
        Assert.True(emit.Success, string.Join("\n", emit.Diagnostics));
        Assembly assembly = Assembly.Load(stream.ToArray());
        var values = (IReadOnlyList<object>)assembly.GetType("Consumer.Usage")!.GetMethod("Values")!.Invoke(null, null)!;

        var latest = (ModelInfo)values[0];
        Assert.Equal(("aifs-single", "1.0.0"), (latest.Id, latest.Version));
        Assert.Equal("1.0.0", ((ModelInfo)values[1]).Version);
        Assert.Equal("0.9.0", ((ModelInfo)values[2]).Version);
        var checkpoint = (AssetInfo)values[3];
        Assert.Equal("20b353b86a2cf84b3bda3c2f25c86891a2e2dad46d55af7140e158945bf9bfb4", checkpoint.Sha256);
        Assert.Equal(1, (int)values[4]);
        Assert.Equal(0.7, (double)values[5]);
        Assert.Equal(new[] { "fp32", "bf16", "fp16" }, (IReadOnlyList<string>)values[6]);
        Assert.Equal("deprecated", values[7]);
        Assert.Equal("AIFS Single", values[8]);
        Assert.Equal("llama3-tokenizer", ((AssetInfo)values[9]).Id);
        Assert.Equal(6, ((List<string>)values[10]).Count);
        Assert.Equal("1.1", values[11]);
        Assert.Equal("1.1", values[12]);
    }

    [Fact]
    public void Catalog_namespace_and_class_name_come_from_build_properties()
    {
        var driver = Harness.Driver(
            new[] { new MemoryAdditionalText("/p/vision.models.json", Harness.Example("vision")) },
            new Dictionary<string, string>
            {
                ["build_property.RootNamespace"] = "Ignored",
                ["build_property.ModelManifestCatalogNamespace"] = "My.App.Ml",
                ["build_property.ModelManifestCatalogClassName"] = "Catalog",
            });
        GeneratorRun run = Harness.Run(driver, Harness.Compilation("namespace X; /// <summary>x</summary>\npublic static class U { /// <summary>x</summary>\npublic static ModelManifest.ModelInfo M => My.App.Ml.Catalog.Resnet50; }"));
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.CompileDiagnostics);
        Assert.Contains("namespace My.App.Ml", run.Source);
        Assert.Contains("public static partial class Catalog", run.Source);
    }
}
