namespace ModelManifest.Tests;

public sealed class ExampleManifestTests
{
    public static TheoryData<string> Examples()
    {
        var data = new TheoryData<string>();
        foreach (string path in TestPaths.Examples)
        {
            data.Add(Path.GetFileName(path));
        }

        return data;
    }

    [Fact]
    public void There_are_at_least_three_examples() => Assert.True(TestPaths.Examples.Count >= 3);

    [Theory]
    [MemberData(nameof(Examples))]
    public void Example_reads_without_any_diagnostic(string name)
    {
        var result = ManifestReader.ReadFile(Path.Combine(TestPaths.SchemaDirectory, "examples", name));
        Assert.True(result.Diagnostics.IsEmpty, string.Join(Environment.NewLine, result.Diagnostics));
        Assert.NotNull(result.Document);
        Assert.NotEmpty(result.Document!.Models);
        Assert.NotEmpty(result.Document.Assets);
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public async Task Example_is_valid_for_the_reference_validator(string name)
    {
        var schema = await NJsonSchema.JsonSchema.FromFileAsync(TestPaths.SchemaFile);
        var errors = schema.Validate(File.ReadAllText(Path.Combine(TestPaths.SchemaDirectory, "examples", name)));
        Assert.Empty(errors);
    }

    [Fact]
    public void Weather_example_binds_every_section()
    {
        var doc = ManifestReader.ReadFile(Path.Combine(TestPaths.SchemaDirectory, "examples", "weather.models.json")).Document!;
        ModelInfo aifs = doc.Models.Single(m => m.Id == "aifs-single" && m.Version == "1.0.0");
        Assert.Equal(ModelStage.Stable, aifs.Stage);
        Assert.Equal("checkpoint", aifs.Assets.Single().Role);
        Assert.Equal(">=2.4,<2.6", aifs.Requirements!.Packages.Single(p => p.Name == "torch").Version);
        Assert.Equal(CompatibilityStatus.Unknown, aifs.Compatibility!.Accelerators["metal"]);
        Assert.Equal(16384, aifs.Compatibility.MinGpuMemoryMiB);
        ModelOption members = aifs.Options.Single(o => o.Name == "ensembleMembers");
        Assert.Equal(1, members.Default!.Value.GetInt32());
        Assert.Equal(51, members.Maximum);
        Assert.Equal(new[] { 1000.0, 850, 500, 250 }, aifs.Inputs!.Variables.Single(v => v.Name == "t").Levels);
        Assert.Equal("O96", aifs.Inputs.Grid!.Name);
        Assert.Equal("PT240H", aifs.Outputs!.LeadTimes[^1]);
        Assert.Equal("2.4.1", aifs.Provenance!.ModuleVersions["torch"]);
        Assert.Equal("era5-o96-1979-2022", aifs.Metadata!.Value.GetProperty("dataset").GetString());
        AssetInfo ckpt = doc.Assets.Single(a => a.Tag == "v1.0");
        Assert.Equal(AssetFormat.Torch, ckpt.Format);
        Assert.Equal(1018926153, ckpt.Size);
    }

    [Fact]
    public void Vision_example_keeps_symbolic_dimensions()
    {
        var doc = ManifestReader.ReadFile(Path.Combine(TestPaths.SchemaDirectory, "examples", "vision.models.json")).Document!;
        var shape = doc.Models[0].Inputs!.Variables[0].Shape;
        Assert.Equal("batch", shape[0].GetString());
        Assert.Equal(224, shape[3].GetInt32());
    }
}
