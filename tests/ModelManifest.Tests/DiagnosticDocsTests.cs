using System.Reflection;
using System.Text.RegularExpressions;

namespace ModelManifest.Tests;

/// <summary>
/// Every id the product can report has its own heading in docs/diagnostics.md (the help-link target), and the README
/// stays a front door.
/// </summary>
public sealed partial class DiagnosticDocsTests
{
    private static readonly string s_docs = Path.Combine(TestPaths.RepositoryRoot, "docs", "diagnostics.md");

    [Fact]
    public void Every_reader_rule_has_a_heading()
        => AssertDocumented(ManifestDiagnosticDescriptors.All.Select(d => d.Id), "ManifestDiagnosticDescriptors.All");

    [Fact]
    public void Every_id_constant_of_the_runtime_library_has_a_heading()
    {
        // By value, not by class name: any const string "MMxxxx" in any type (AssetErrorCodes today) is an id.
        var ids = typeof(ManifestReader).Assembly.GetTypes()
            .SelectMany(t => t.GetFields(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.DeclaredOnly))
            .Where(f => f.IsLiteral && f.FieldType == typeof(string))
            .Select(f => (string)f.GetRawConstantValue()!)
            .Where(v => IdPattern().IsMatch(v))
            .ToList();
        Assert.Contains("MM1001", ids);
        AssertDocumented(ids, "constants in ModelManifest.dll");
    }

    [Fact]
    public void Every_id_literal_in_the_sources_has_a_heading()
    {
        // Catches every part, including those this project does not reference (generator, task, CLI) and ids added
        // later: any "MMxxxx" string literal under src/, and any Code="MMxxxx" in the package's MSBuild files.
        var ids = new SortedSet<string>(StringComparer.Ordinal);
        var files = Directory.EnumerateFiles(Path.Combine(TestPaths.RepositoryRoot, "src"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !IsBuildOutput(f))
            .Concat(Directory.EnumerateFiles(Path.Combine(TestPaths.RepositoryRoot, "build")));
        foreach (string file in files)
        {
            foreach (Match m in IdLiteralPattern().Matches(File.ReadAllText(file)))
            {
                ids.Add(m.Groups["id"].Value);
            }
        }

        // A scan that finds (almost) nothing is broken, not proof of good docs.
        Assert.True(ids.Count >= 60, $"only {ids.Count} ids found under src/ and build/: is the scan looking in the right place?");
        Assert.Contains("MM0405", ids);
        Assert.Contains("MM1108", ids);
        Assert.Contains("MM2999", ids);
        AssertDocumented(ids, "literals under src/ and build/");
    }

    [Fact]
    public void Readme_is_under_12_KB()
    {
        long size = new FileInfo(Path.Combine(TestPaths.RepositoryRoot, "README.md")).Length;
        Assert.True(size < 12 * 1024, $"README.md is {size} bytes; move details into docs/.");
    }

    private static void AssertDocumented(IEnumerable<string> ids, string from)
    {
        // A heading whose text is exactly the id gets the anchor #mmxxxx on GitHub.
        var headings = File.ReadLines(s_docs)
            .Select(line => HeadingPattern().Match(line))
            .Where(m => m.Success)
            .Select(m => m.Groups["id"].Value)
            .ToHashSet(StringComparer.Ordinal);
        var missing = ids.Distinct().Where(id => !headings.Contains(id)).Order(StringComparer.Ordinal).ToList();
        Assert.True(missing.Count == 0, $"docs/diagnostics.md has no '### <id>' heading for ({from}): {string.Join(", ", missing)}");
    }

    private static bool IsBuildOutput(string path)
    {
        string separator = Regex.Escape(Path.DirectorySeparatorChar.ToString());
        return Regex.IsMatch(path, $"{separator}(bin|obj){separator}");
    }

    [GeneratedRegex("^MM[0-9]{4}$")]
    private static partial Regex IdPattern();

    [GeneratedRegex("[\"'](?<id>MM[0-9]{4})[\"']")]
    private static partial Regex IdLiteralPattern();

    [GeneratedRegex("^#{2,4} (?<id>MM[0-9]{4})\\s*$")]
    private static partial Regex HeadingPattern();
}
