using System.Text.Json;

namespace ModelManifest.Cli.Tests;

/// <summary>The <c>modelmanifest validate</c> command, run as a process: compiler-style output and documented exit codes.</summary>
public sealed class ValidateCommandTests : IDisposable
{
    private readonly TempDir _dir = new();

    private static string Examples => Path.Combine(SchemaValidation.RepositoryRoot(), "schema", "examples");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Examples_validate_with_exit_0_and_the_reference_validator_agrees()
    {
        var result = CliRunner.Run("validate", Examples);
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("3 manifest(s): 0 error(s), 0 warning(s); NJsonSchema cross-check agrees", result.StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public void Errors_print_in_compiler_form_and_exit_1()
    {
        // An example manifest with its first sha256 broken: the error is located on that line.
        string text = File.ReadAllText(Path.Combine(Examples, "weather.models.json"));
        int at = text.IndexOf("\"sha256\"", StringComparison.Ordinal);
        int valueStart = text.IndexOf('"', text.IndexOf(':', at)) + 1;
        int valueEnd = text.IndexOf('"', valueStart);
        int line = text[..at].Count(c => c == '\n') + 1;
        string path = Path.Combine(_dir.Path, "bad.models.json");
        File.WriteAllText(path, string.Concat(text.AsSpan(0, valueStart), "xyz", text.AsSpan(valueEnd)));

        var result = CliRunner.Run("validate", path);

        Assert.Equal(1, result.ExitCode);
        Assert.Matches($@"bad\.models\.json\({line},\d+\): error MM0203: '[^']*sha256' must be a SHA-256 digest", result.StdOut);
        Assert.Contains("cross-check agrees", result.StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_file_is_a_usage_error_exit_2()
    {
        var result = CliRunner.Run("validate", Path.Combine(_dir.Path, "nope.models.json"));
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("no such file", result.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public void Json_output_lists_diagnostics_with_positions()
    {
        string path = Path.Combine(_dir.Path, "v2.models.json");
        File.WriteAllText(path, "{ \"schemaVersion\": \"2.0\" }");

        var result = CliRunner.Run("validate", path, "--json");

        Assert.Equal(1, result.ExitCode);
        using var doc = JsonDocument.Parse(result.StdOut);
        var d = doc.RootElement.GetProperty("diagnostics")[0];
        Assert.Equal("MM0011", d.GetProperty("id").GetString());
        Assert.Equal(1, d.GetProperty("line").GetInt32());
        Assert.Equal(20, d.GetProperty("column").GetInt32());
    }

    [Fact]
    public void Unknown_option_is_a_usage_error_exit_2()
    {
        var ok = CliRunner.Run("validate", "--no-reference", Examples);
        Assert.Equal(0, ok.ExitCode);
        Assert.Contains("0 error(s)", ok.StdOut, StringComparison.Ordinal);

        var bad = CliRunner.Run("validate", "--bogus");
        Assert.Equal(2, bad.ExitCode);
    }
}
