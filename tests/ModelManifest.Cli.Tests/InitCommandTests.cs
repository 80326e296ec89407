using System.Text.Json.Nodes;

namespace ModelManifest.Cli.Tests;

/// <summary><c>init</c>: a new user's first manifest, with editor help that works offline, and nothing ever overwritten.</summary>
public sealed class InitCommandTests
{
    [Fact]
    public void Init_writes_a_valid_starter_manifest_the_schema_copy_it_names_and_the_vscode_mapping()
    {
        using var dir = new TempDir();
        var r = RunIn(dir.Path, "init");

        Assert.True(r.ExitCode == 0, r.StdErr);
        string manifest = Path.Combine(dir.Path, "models", "models.models.json");
        SchemaValidation.AssertValid(File.ReadAllText(manifest));
        Assert.Equal(0, CliRunner.Run("validate", manifest).ExitCode);
        Assert.Equal("./model-manifest.schema.json", JsonNode.Parse(File.ReadAllText(manifest))!["$schema"]!.GetValue<string>());
        Assert.Equal(File.ReadAllText(Path.Combine(SchemaValidation.RepositoryRoot(), "schema", "model-manifest.schema.json")),
            File.ReadAllText(Path.Combine(dir.Path, "models", "model-manifest.schema.json")));
        var mapping = JsonNode.Parse(File.ReadAllText(Path.Combine(dir.Path, ".vscode", "settings.json")))!["json.schemas"]![0]!;
        Assert.Equal("**/*.models.json", mapping["fileMatch"]![0]!.GetValue<string>());
        Assert.Equal("./models/model-manifest.schema.json", mapping["url"]!.GetValue<string>());
        Assert.Contains("next: modelmanifest extract", r.StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public void A_second_init_changes_nothing_and_says_so_and_existing_editor_settings_are_kept()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(Path.Combine(dir.Path, ".vscode"));
        File.WriteAllText(Path.Combine(dir.Path, ".vscode", "settings.json"), "{ \"editor.tabSize\": 2 }");
        Assert.Equal(0, RunIn(dir.Path, "init", "ml").ExitCode);
        Assert.Equal("{ \"editor.tabSize\": 2 }", File.ReadAllText(Path.Combine(dir.Path, ".vscode", "settings.json")));
        string manifest = Path.Combine(dir.Path, "ml", "models.models.json");
        File.AppendAllText(manifest, " ");
        string before = File.ReadAllText(manifest);

        var again = RunIn(dir.Path, "init", "ml");

        CliRunner.AssertOneCleanErrorLine(again, "MM2202");
        Assert.Contains("never overwrites", again.StdErr, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllText(manifest));
    }

    [Fact]
    public void A_name_that_the_build_would_not_find_is_a_usage_error()
    {
        using var dir = new TempDir();
        var r = RunIn(dir.Path, "init", "--name", "models.json");

        CliRunner.AssertOneCleanErrorLine(r, "MM2002");
        Assert.False(Directory.Exists(Path.Combine(dir.Path, "models")));
    }

    /// <summary>init works in the current directory, so run the tool there.</summary>
    private static CliRunner.Result RunIn(string directory, params string[] args) => CliRunner.RunIn(directory, null, args);
}
