namespace ModelManifest.Tests;

public sealed class ManifestSnapshotTests
{
    private static ManifestSnapshot Load(params string[] names)
    {
        var docs = names.Select(n => ManifestReader.ReadFile(Path.Combine(TestPaths.SchemaDirectory, "examples", n)).Document!);
        var result = ManifestMerger.Merge(docs.Select((d, i) => new ManifestMergeInput(d, names[i])));
        Assert.False(result.HasErrors, string.Join(Environment.NewLine, result.Diagnostics));
        return result.Snapshot;
    }

    [Fact]
    public void Latest_is_the_highest_release()
    {
        var snapshot = Load("weather.models.json");
        Assert.Equal("1.0.0", snapshot.GetLatest("aifs-single")!.Version);
        Assert.Equal("0.9.0", snapshot.Get("aifs-single", "0.9.0")!.Version);
        Assert.Null(snapshot.Get("aifs-single", "3.0.0"));
        Assert.Null(snapshot.GetLatest("nope"));
    }

    [Fact]
    public void Latest_prefers_a_release_over_a_higher_prerelease_and_orders_by_semver()
    {
        var doc = ManifestReader.Read("""
            { "schemaVersion": "1.1", "models": [
              { "id": "m", "version": "1.10.0" }, { "id": "m", "version": "1.9.0" },
              { "id": "m", "version": "2.0.0-rc.1" }, { "id": "m", "version": "2.0.0-beta.10" }, { "id": "m", "version": "2.0.0-beta.9" } ] }
            """).Document!;
        var snapshot = new ManifestSnapshot(doc.Models, doc.Assets);
        Assert.Equal("1.10.0", snapshot.GetLatest("m")!.Version);
        Assert.Equal(["2.0.0-rc.1", "2.0.0-beta.10", "2.0.0-beta.9", "1.10.0", "1.9.0"], snapshot.GetVersions("m").Select(m => m.Version));
    }

    [Fact]
    public void Shared_tokenizer_is_one_asset_used_by_three_models()
    {
        var snapshot = Load("language.models.json");
        var tokenizer = new AssetKey("llama3-tokenizer", null);
        Assert.NotNull(snapshot.FindAsset(tokenizer));
        Assert.Equal(["llama3-guard", "llama3:8b", "llama3:8b-q8"], snapshot.GetModelsUsing(tokenizer).Select(m => m.Id));
        var q4 = snapshot.GetLatest("llama3:8b")!;
        Assert.Equal(["Meta-Llama-3-8B-Instruct.Q4_K_M.gguf", "tokenizer.json"], snapshot.GetAssets(q4).Select(a => a.FileName));
    }

    [Fact]
    public void Examples_merge_into_one_snapshot()
    {
        var snapshot = Load("weather.models.json", "language.models.json", "vision.models.json");
        Assert.Equal(6, snapshot.Models.Length);
        Assert.Equal(7, snapshot.Assets.Length);
    }
}
