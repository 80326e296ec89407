namespace ModelManifest.Tests;

/// <summary>Schema evolution: 1.0 manifests read by the 1.1 reader, newer minors, other majors.</summary>
public sealed class SchemaVersioningTests
{
    [Fact]
    public void Reader_is_schema_1_1()
    {
        Assert.Equal("1.1", ManifestReader.Schema.Version);
        Assert.Equal("1.1", ManifestReader.Schema.Definitions["model"].GetProperty("stage")!.Since);
    }

    [Fact]
    public void A_1_0_manifest_reads_the_1_1_field_as_undefined()
    {
        var doc = ManifestAssert.IsClean(ValidManifest.With(version: "1.0"));
        Assert.Equal("1.0", doc.SchemaVersion);
        Assert.Equal(ModelStage.Undefined, doc.Models[0].Stage);
    }

    [Fact]
    public void The_1_1_field_has_an_explicit_undefined_default_in_the_schema()
    {
        var stage = ManifestReader.Schema.Definitions["model"].GetProperty("stage")!;
        Assert.Equal("undefined", Assert.IsType<JsonStringSyntax>(stage.Default).Value);
    }

    [Fact]
    public void A_1_1_manifest_reads_the_field()
    {
        var doc = ManifestAssert.IsClean(ValidManifest.With(models: "\"stage\": \"preview\""));
        Assert.Equal(ModelStage.Preview, doc.Models[0].Stage);
    }

    [Fact]
    public void A_1_2_manifest_with_unknown_fields_warns_keeps_and_round_trips_them()
    {
        string json = ValidManifest.With(version: "1.2", models: "\"energyUse\": { \"kWhPerRun\": 3.5 }")
            .Replace("\"format\": \"torch\"", "\"format\": \"torch\", \"compression\": \"zstd\"", StringComparison.Ordinal)
            .Replace("\"schemaVersion\": \"1.2\",", "\"schemaVersion\": \"1.2\", \"publisher\": \"acme\",", StringComparison.Ordinal);
        var result = ManifestReader.Read(json, "newer.models.json");
        Assert.False(result.HasErrors, string.Join(Environment.NewLine, result.Diagnostics));
        Assert.Contains(result.Diagnostics, d => d.Id == "MM0012" && d.Severity == ManifestSeverity.Warning);
        Assert.Equal(3, result.Diagnostics.Count(d => d.Id == "MM0110"));

        ManifestDocument doc = result.Document!;
        string written = JsonSerializer.Serialize(doc, ManifestJsonContext.Default.ManifestDocument);
        var again = ManifestReader.Read(written).Document!;
        Assert.Equal("acme", again.AdditionalProperties!["publisher"].GetString());
        Assert.Equal(3.5, again.Models[0].AdditionalProperties!["energyUse"].GetProperty("kWhPerRun").GetDouble());
        Assert.Equal("zstd", again.Assets[0].AdditionalProperties!["compression"].GetString());
        Assert.Equal("1.2", again.SchemaVersion);
    }

    [Fact]
    public void A_2_0_manifest_is_a_clear_error()
    {
        var d = ManifestAssert.HasDiagnosticAt(ValidManifest.With(version: "2.0"), "MM0011", "\"2.0\"");
        Assert.Contains("only major version 1", d.Message, StringComparison.Ordinal);
        var result = ManifestReader.Read(ValidManifest.With(version: "2.0"));
        Assert.Null(result.Document);
        Assert.Single(result.Diagnostics); // no noise from validating an unknown shape
    }

    [Fact]
    public void Written_manifest_uses_schema_spelling()
    {
        var doc = ManifestAssert.IsClean(ValidManifest.With(models: "\"stage\": \"stable\""));
        string written = JsonSerializer.Serialize(doc, ManifestJsonContext.Default.ManifestDocument);
        Assert.Contains("\"stage\": \"stable\"", written, StringComparison.Ordinal);
        Assert.Contains("\"format\": \"torch\"", written, StringComparison.Ordinal);
        Assert.Empty(ManifestReader.Read(written).Diagnostics);
    }
}
