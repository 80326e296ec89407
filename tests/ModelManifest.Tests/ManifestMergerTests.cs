namespace ModelManifest.Tests;

public sealed class ManifestMergerTests
{
    private const string ShaA = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    private const string ShaB = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

    private static ManifestDocument Doc(string description, string sha = ShaA, string version = "1.0.0") => ManifestReader.Read($$"""
        {
          "schemaVersion": "1.1",
          "models": [{ "id": "m", "version": "{{version}}", "description": "{{description}}", "assets": [{ "id": "w" }] }],
          "assets": [{ "id": "w", "fileName": "w.bin", "size": 1, "sha256": "{{sha}}" }]
        }
        """).Document!;

    [Fact]
    public void Higher_precedence_wins_per_model_whatever_the_input_order()
    {
        var result = ManifestMerger.Merge([new(Doc("team"), "team.models.json", 10), new(Doc("app"), "app.models.json", 0)]);
        Assert.False(result.HasErrors);
        Assert.Equal("team", result.Snapshot.GetLatest("m")!.Description);
        var overridden = Assert.Single(result.Diagnostics, d => d.Id == "MM0301");
        Assert.Equal(ManifestSeverity.Info, overridden.Severity);
        Assert.Contains("team.models.json", overridden.Message, StringComparison.Ordinal);
        Assert.Contains("app.models.json", overridden.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Equal_precedence_later_input_wins()
    {
        var result = ManifestMerger.Merge([new(Doc("first"), "a"), new(Doc("second"), "b")]);
        Assert.Equal("second", result.Snapshot.GetLatest("m")!.Description);
    }

    [Fact]
    public void Different_versions_are_kept_side_by_side()
    {
        var result = ManifestMerger.Merge([new(Doc("one"), "a"), new(Doc("two", version: "2.0.0"), "b")]);
        Assert.Equal(2, result.Snapshot.GetVersions("m").Length);
        Assert.Empty(result.Diagnostics);
    }

    [Fact]
    public void Same_asset_with_same_digest_is_stored_once()
    {
        var result = ManifestMerger.Merge([new(Doc("one"), "a"), new(Doc("two", version: "2.0.0"), "b")]);
        Assert.Single(result.Snapshot.Assets);
    }

    [Fact]
    public void Same_asset_with_two_digests_is_an_error_naming_both_files()
    {
        var result = ManifestMerger.Merge([new(Doc("one"), "first.models.json"), new(Doc("two", ShaB, "2.0.0"), "second.models.json", 5)]);
        Assert.True(result.HasErrors);
        var d = Assert.Single(result.Diagnostics, d => d.Id == "MM0300");
        Assert.Contains("first.models.json", d.Message, StringComparison.Ordinal);
        Assert.Contains("second.models.json", d.Message, StringComparison.Ordinal);
        Assert.Contains(ShaA, d.Message, StringComparison.Ordinal);
        Assert.Contains(ShaB, d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Reference_resolved_by_another_manifest_is_fine_and_missing_one_is_reported()
    {
        var modelsOnly = ManifestReader.Read("""{ "schemaVersion": "1.1", "models": [{ "id": "x", "version": "1.0.0", "assets": [{ "id": "w" }, { "id": "gone" }] }] }""", resolveReferences: false).Document!;
        var result = ManifestMerger.Merge([new(modelsOnly, "models.json"), new(Doc("one"), "assets.json")]);
        var d = Assert.Single(result.Diagnostics, d => d.Id == "MM0202");
        Assert.Contains("'gone'", d.Message, StringComparison.Ordinal);
        Assert.Equal("models.json", d.FilePath);
    }

    [Fact]
    public void Unresolved_reference_gets_the_same_near_miss_hint_as_the_reader_and_the_generator()
    {
        var modelsOnly = ManifestReader.Read("""{ "schemaVersion": "1.1", "models": [{ "id": "x", "version": "1.0.0", "assets": [{ "id": "w", "tag": "fp16" }] }] }""", resolveReferences: false).Document!;
        var result = ManifestMerger.Merge([new(modelsOnly, "models.json"), new(Doc("one"), "assets.json")]);
        var d = Assert.Single(result.Diagnostics, d => d.Id == "MM0202");
        Assert.Equal("Model 'x' references asset 'w@fp16', which no manifest defines (an untagged 'w' exists)", d.Message);
    }

    [Fact]
    public void Assets_of_a_manifest_with_an_unsupported_major_do_not_resolve_references()
        => WithModelAndAssetFiles(assetsSchemaVersion: "2.0", (dir, results) =>
        {
            Assert.Contains(results[0].Diagnostics, d => d.Id == "MM0202");
            Assert.Equal("MM0011", Assert.Single(results[1].Diagnostics).Id);
        });

    [Fact]
    public void ReadFiles_resolves_references_across_the_set()
        => WithModelAndAssetFiles(assetsSchemaVersion: "1.1", (dir, results) =>
        {
            Assert.All(results, r => Assert.Empty(r.Diagnostics));
            Assert.True(ManifestReader.ReadFile(Path.Combine(dir, "a.models.json")).HasErrors); // alone, it dangles
        });

    /// <summary>a.models.json: a model referencing asset "w"; b.models.json: asset "w" under the given schema version.</summary>
    private static void WithModelAndAssetFiles(string assetsSchemaVersion, Action<string, ImmutableArray<ManifestReadResult>> check)
    {
        string dir = Directory.CreateTempSubdirectory("mm-set-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, "a.models.json"), """{ "schemaVersion": "1.1", "models": [{ "id": "x", "version": "1.0.0", "assets": [{ "id": "w" }] }] }""");
            File.WriteAllText(Path.Combine(dir, "b.models.json"), $$"""{ "schemaVersion": "{{assetsSchemaVersion}}", "assets": [{ "id": "w", "fileName": "w.bin", "size": 1, "sha256": "{{ShaA}}" }] }""");
            check(dir, ManifestReader.ReadFiles(Directory.GetFiles(dir).Order()));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
