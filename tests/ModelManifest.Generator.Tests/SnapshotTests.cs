namespace ModelManifest.Generator.Tests;

/// <summary>
/// The generated source of each example is a checked-in baseline (Baselines/*.g.cs.txt). A difference fails the
/// test; set MODELMANIFEST_UPDATE_BASELINES=1 to rewrite the baselines, then review the diff.
/// </summary>
public sealed class SnapshotTests
{
    [Theory]
    [InlineData("weather")]
    [InlineData("language")]
    [InlineData("vision")]
    public void Generated_source_matches_the_baseline(string example)
    {
        GeneratorRun run = Harness.Run(("/project/models/" + example + ".models.json", Harness.Example(example)));
        Harness.AssertNoGeneratorFailure(run);
        Assert.Empty(run.GeneratorDiagnostics);
        string actual = run.Source ?? throw new Xunit.Sdk.XunitException("nothing generated");
        string baseline = Path.Combine(Harness.SourceDirectory(), "Baselines", example + ".g.cs.txt");
        if (Environment.GetEnvironmentVariable("MODELMANIFEST_UPDATE_BASELINES") == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(baseline)!);
            File.WriteAllText(baseline, actual);
        }

        Assert.True(File.Exists(baseline), "No baseline " + baseline + "; run with MODELMANIFEST_UPDATE_BASELINES=1.");
        string expected = File.ReadAllText(baseline).ReplaceLineEndings("\n");
        Assert.Equal(expected, actual.ReplaceLineEndings("\n"));
    }
}
