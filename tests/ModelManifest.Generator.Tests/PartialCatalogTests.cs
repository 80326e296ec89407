using System.Reflection;
using Microsoft.CodeAnalysis;

namespace ModelManifest.Generator.Tests;

/// <summary>
/// One bad manifest never blanks the catalog (issue 9 item 9): the valid manifests, and the valid models and assets
/// of the bad one, keep their typed members; the mistake is reported once, located, with no C# errors echoing it.
/// </summary>
public sealed class PartialCatalogTests
{
    private const string Good = "/project/models/good.models.json";
    private const string Bad = "/project/models/bad.models.json";

    [Fact]
    public void A_typo_in_one_manifest_leaves_the_other_manifests_members_compiling()
    {
        string bad = Manifests.Valid(modelId: "broken", assetId: "b").Replace("\"version\"", "\"vesion\"");
        GeneratorRun run = Harness.RunWithCode(
            "namespace Consumer;\n/// <summary>x</summary>\npublic static class U\n{\n    /// <summary>x</summary>\n    public static ModelManifest.ModelInfo M => Models.Fine;\n    /// <summary>x</summary>\n    public static ModelManifest.AssetInfo W => Models.Fine.Assets.Weights;\n}",
            (Bad, bad),
            (Good, Manifests.Valid(modelId: "fine")));

        Harness.AssertNoGeneratorFailure(run);
        Assert.Empty(run.CompileDiagnostics);
        Assert.NotEmpty(run.GeneratorDiagnostics);
        Assert.All(run.GeneratorDiagnostics, d => Assert.Equal(Bad, d.Location.GetLineSpan().Path));
        Assert.Contains(run.GeneratorDiagnostics, d => d.Id == "MM0101" && d.Severity == DiagnosticSeverity.Error);
        Assert.DoesNotContain("Broken", run.Source);
    }

    [Fact]
    public void A_typo_in_one_model_keeps_the_other_models_and_assets_of_the_same_manifest_typed_and_bound_at_run_time()
    {
        string manifest = Manifests.Valid(modelId: "fine", extraModel: " }, { \"id\": \"broken\", \"vesion\": \"1.0.0\"");
        GeneratorRun run = Harness.RunWithCode(
            "namespace Consumer;\n/// <summary>x</summary>\npublic static class U\n{\n    /// <summary>x</summary>\n    public static object[] Read() => new object[] { Models.Fine.Info, Models.Fine.Assets.Weights, Models.Snapshot.Models.Length };\n}",
            (Bad, manifest));

        Harness.AssertNoGeneratorFailure(run);
        Assert.Empty(run.CompileDiagnostics);
        Assert.Contains(run.GeneratorDiagnostics, d => d.Id == "MM0101");
        Assert.All(run.GeneratorDiagnostics, d => Assert.Equal(Bad, d.Location.GetLineSpan().Path));
        Assert.DoesNotContain("Broken", run.Source);

        object[] values = Invoke(run);
        Assert.Equal("fine", ((ModelInfo)values[0]).Id);
        Assert.Equal(Manifests.Sha, ((AssetInfo)values[1]).Sha256);
        Assert.Equal(1, values[2]);
    }

    [Fact]
    public void A_model_referencing_a_broken_asset_of_its_manifest_is_left_out_with_only_the_asset_s_error()
    {
        string manifest = Manifests.Valid(modelId: "fine")
            .Replace("  ],\n  \"assets\": [", "    , { \"id\": \"uses-broken\", \"version\": \"1.0.0\", \"assets\": [{ \"id\": \"bad-asset\" }] }\n  ],\n  \"assets\": [\n    { \"id\": \"bad-asset\", \"fileName\": \"b.bin\", \"size\": 1, \"sha256\": \"xyz\" },");
        GeneratorRun run = Harness.RunWithCode(
            "namespace Consumer;\n/// <summary>x</summary>\npublic static class U\n{\n    /// <summary>x</summary>\n    public static ModelManifest.ModelInfo M => Models.Fine;\n}",
            (Bad, manifest));

        Harness.AssertNoGeneratorFailure(run);
        Assert.Empty(run.CompileDiagnostics);
        Assert.Equal("MM0203", Assert.Single(run.GeneratorDiagnostics).Id);
        Assert.DoesNotContain("UsesBroken", run.Source);
    }

    internal static object[] Invoke(GeneratorRun run)
    {
        using var stream = new MemoryStream();
        var emit = run.Output.Emit(stream);
        Assert.True(emit.Success, string.Join("\n", emit.Diagnostics));
        Assert.Empty(emit.Diagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning));
        return (object[])Assembly.Load(stream.ToArray()).GetType("Consumer.U")!.GetMethod("Read")!.Invoke(null, null)!;
    }
}
