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
    public void The_catalog_exposes_its_snapshot_for_the_runtime_provider_read_once_from_the_embedded_data()
    {
        GeneratorRun run = Harness.RunWithCode(
            "namespace Consumer;\n/// <summary>x</summary>\npublic static class U\n{\n    /// <summary>x</summary>\n    public static object[] Read() => new object[] { Models.Snapshot, Models.Snapshot, Models.All, Models.AifsSingle.Assets.Checkpoint };\n}",
            ("/p/weather.models.json", Harness.Example("weather")),
            ("/p/vision.models.json", Harness.Example("vision")));
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.CompileDiagnostics);

        object[] values = PartialCatalogTests.Invoke(run);
        var snapshot = (ManifestSnapshot)values[0];
        Assert.Same(snapshot, values[1]);
        Assert.Equal(((IReadOnlyList<ModelInfo>)values[2]).Select(m => m.Id + " " + m.Version), snapshot.Models.Select(m => m.Id + " " + m.Version));
        Assert.Equal(new[] { "aifs-single", "aifs-single", "resnet50" }, snapshot.Models.Select(m => m.Id));
        Assert.Same(values[3], snapshot.FindAsset(((AssetInfo)values[3]).Key));
    }

    [Fact]
    public void Latest_is_the_highest_release_and_pre_releases_stay_reachable()
    {
        string manifest = Manifests.Valid(version: "1.0.0", extraModel: " }, { \"id\": \"m\", \"version\": \"2.0.0-rc.1\" }, { \"id\": \"m\", \"version\": \"1.2.0\"");
        GeneratorRun run = Harness.RunWithCode("""
            namespace Consumer;
            /// <summary>x</summary>
            public static class U
            {
                /// <summary>x</summary>
                public static (ModelManifest.ModelInfo, ModelManifest.ModelInfo, int) Read() => (Models.M, Models.M.V2_0_0_rc_1, Models.M.Versions.Count);
            }
            """, ("/p/m.models.json", manifest));
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.CompileDiagnostics);
        Assert.Contains("public Version1_2_0 Latest => V1_2_0;", run.Source);
        using var stream = new MemoryStream();
        Assert.True(run.Output.Emit(stream).Success);
        var values = ((ModelInfo, ModelInfo, int))Assembly.Load(stream.ToArray()).GetType("Consumer.U")!.GetMethod("Read")!.Invoke(null, null)!;
        Assert.Equal(("1.2.0", "2.0.0-rc.1", 3), (values.Item1.Version, values.Item2.Version, values.Item3));
    }

    [Fact]
    public void An_additional_file_with_role_Manifest_is_a_manifest_whatever_its_name()
    {
        var files = new[] { new MemoryAdditionalText("/p/catalog.json", Harness.Example("vision")), new MemoryAdditionalText("/p/other.json", "not json") };
        var perFile = new Dictionary<string, IReadOnlyDictionary<string, string>> { ["/p/catalog.json"] = new Dictionary<string, string> { [Harness.RoleKey] = "Manifest" } };
        GeneratorRun run = Harness.Run(Harness.Driver(files, perFile: perFile), Harness.Compilation());
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Contains("public static Resnet50Model Resnet50", run.Source);
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
