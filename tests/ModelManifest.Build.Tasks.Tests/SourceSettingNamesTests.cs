using System.Text.RegularExpressions;

namespace ModelManifest.Build.Tasks.Tests;

/// <summary>
/// MSBuild cannot enumerate an item's metadata in a transform, so the targets name every source setting twice: in the
/// settings fingerprint (a changed setting re-runs resolution) and in the out-of-process request (the .NET Framework
/// MSBuild of Visual Studio passes only what is named). A setting a source kind reads but the targets forget would
/// silently vanish there: every settings key declared by a source must be in both lists.
/// </summary>
public sealed partial class SourceSettingNamesTests
{
    [Fact]
    public void Every_setting_a_source_kind_reads_is_passed_out_of_process_and_fingerprinted()
    {
        string root = TestPaths.RepositoryRoot;
        var keys = Directory.EnumerateFiles(Path.Combine(root, "src"), "*.cs", SearchOption.AllDirectories)
            .Where(f => f.Contains($"{Path.DirectorySeparatorChar}Sources{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                || f.Contains("ModelManifest.Sources.", StringComparison.Ordinal))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .SelectMany(f => SettingKey().Matches(File.ReadAllText(f)).Select(m => m.Groups["name"].Value))
            .ToHashSet(StringComparer.Ordinal);
        Assert.Contains("PathStyle", keys); // the scan finds the keys of the optional packages too
        Assert.Contains("ConnectionStringEnvironmentVariable", keys);

        string targets = File.ReadAllText(Path.Combine(root, "build", "ModelManifest.Build.targets"));
        string fingerprint = targets.Split('\n').Single(l => l.Contains("<_ModelAssetSetting Include=\"@(ModelAssetSource", StringComparison.Ordinal));
        string request = targets.Split('\n').Single(l => l.Contains("<_ModelAssetRequest Include=\"@(ModelAssetSource", StringComparison.Ordinal));
        foreach (string key in keys)
        {
            Assert.True(fingerprint.Contains($"%({key})", StringComparison.Ordinal), $"{key} is missing from the _ModelAssetSetting line");
            Assert.True(request.Contains($"{key}=%({key})", StringComparison.Ordinal), $"{key} is missing from the _ModelAssetRequest line");
        }
    }

    /// <summary>A settings key constant: <c>const string XxxKey = "Name";</c>.</summary>
    [GeneratedRegex(@"const string \w+Key = ""(?<name>[A-Z][A-Za-z]+)""")]
    private static partial Regex SettingKey();
}
