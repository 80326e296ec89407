using System.Text.RegularExpressions;

namespace ModelManifest.Build.Tests;

/// <summary>
/// The README is the front door: its manifest and its C# compile as written, in a fresh app that references the
/// packed package (asset resolution off: the README's checkpoint is a real 1 GB file that no test should fetch).
/// </summary>
[Collection(PackedPackagesCollection.Name)]
[Trait("Category", "EndToEnd")]
public sealed partial class ReadmeSamplesTests(PackedPackages packages)
{
    [Fact]
    public void The_readme_manifest_and_csharp_blocks_compile_as_written()
    {
        string readme = File.ReadAllText(Path.Combine(TestPaths.RepositoryRoot, "README.md"));
        var blocks = FencedBlock().Matches(readme).Select(m => (Language: m.Groups["lang"].Value, Text: m.Groups["text"].Value)).ToList();
        string manifest = Assert.Single(blocks, b => b.Language == "jsonc" && b.Text.Contains("\"models\"", StringComparison.Ordinal)).Text;
        var csharp = blocks.Where(b => b.Language == "csharp").Select(b => b.Text).ToList();
        Assert.NotEmpty(csharp);

        // One Program.cs: the blocks' using directives first (once each), then their statements in README order.
        var lines = csharp.SelectMany(b => b.Split('\n')).ToList();
        var usings = lines.Where(l => l.StartsWith("using ", StringComparison.Ordinal) && l.TrimEnd().EndsWith(';')).Distinct().ToList();
        string program = string.Join('\n', usings) + "\n" + string.Join('\n', lines.Except(usings)) + "\n";

        string root = Directory.CreateDirectory(Path.Combine(packages.Root, "readme-" + Guid.NewGuid().ToString("N")[..8])).FullName;
        var app = new ConsumerProject(packages, root, "readme", Path.Combine(root, "cache"),
                extraProperties: "<EnableModelAssetResolution>false</EnableModelAssetResolution><TreatWarningsAsErrors>true</TreatWarningsAsErrors>")
            .WithManifest("weather.models.json", manifest);
        File.WriteAllText(Path.Combine(app.Directory, "Program.cs"), program);

        var build = app.Build();

        Assert.True(build.ExitCode == 0, program + "\n" + build.Output);
    }

    [GeneratedRegex(@"```(?<lang>\w+)\n(?<text>.*?)```", RegexOptions.Singleline)]
    private static partial Regex FencedBlock();
}
