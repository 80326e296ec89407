using System.Text.Json;

namespace ModelManifest.Cli.Tests;

/// <summary>The command line itself: the tool's name in help, unknown options, the JSON format version.</summary>
public sealed class CommandLineTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Help_shows_the_tool_command_name_not_the_assembly_name()
    {
        CliRunner.Result r = CliRunner.Run("--help");
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("modelmanifest [command] [options]", r.StdOut, StringComparison.Ordinal);
        Assert.DoesNotContain("ModelManifest.Cli", r.StdOut, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("verify", "--bogus")]
    [InlineData("extract", "--no-such-option")]
    public void An_unknown_option_is_a_usage_error_not_a_file_name(string command, string option)
    {
        CliRunner.Result r = CliRunner.Run(command, option);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains($"unknown option '{option}'", r.StdErr, StringComparison.Ordinal);
        Assert.DoesNotContain("not found", r.StdErr, StringComparison.Ordinal);
        Assert.DoesNotContain("is not a file", r.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_json_carries_the_format_version()
    {
        string path = _dir.Write("w.safetensors", Samples.Safetensors());
        CliRunner.Result r = CliRunner.Run("verify", path, "--json");
        Assert.True(r.ExitCode == 0, r.StdErr);
        Assert.Equal(1, JsonDocument.Parse(r.StdOut).RootElement.GetProperty("formatVersion").GetInt32());
    }

    [Fact]
    public void Validate_fetch_and_cache_json_carry_the_format_version()
    {
        string manifest = _dir.Write("empty.models.json", System.Text.Encoding.UTF8.GetBytes("{\"schemaVersion\": \"1.1\", \"models\": []}"));
        CliRunner.Result validate = CliRunner.Run("validate", manifest, "--json", "--no-reference");
        Assert.Equal(1, JsonDocument.Parse(validate.StdOut).RootElement.GetProperty("formatVersion").GetInt32());
        string[][] commands = [["cache", "ls"], ["cache", "verify"], ["fetch", "-m", manifest]];
        foreach (string[] command in commands)
        {
            CliRunner.Result r = CliRunner.Run([.. command, "--cache", _dir.File("cache"), "--json"]);
            Assert.True(r.ExitCode == 0, string.Join(' ', command) + ": " + r.StdErr);
            Assert.Equal(1, JsonDocument.Parse(r.StdOut).RootElement.GetProperty("formatVersion").GetInt32());
        }
    }

    [Fact]
    public void Compare_runs_json_carries_the_format_version()
    {
        string a = _dir.Write("a.safetensors", Samples.Safetensors());
        string b = _dir.Write("b.safetensors", Samples.Safetensors());
        CliRunner.Result r = CliRunner.Run("compare-runs", a, b, "--json");
        Assert.True(r.ExitCode == 0, r.StdErr);
        Assert.Equal(1, JsonDocument.Parse(r.StdOut).RootElement.GetProperty("formatVersion").GetInt32());
    }
}
