using ModelManifest.Cli.Commands;

namespace ModelManifest.Tests;

/// <summary>The <c>modelmanifest validate</c> command: compiler-style output and documented exit codes.</summary>
public sealed class ValidateCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("mm-validate-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private (int Exit, string Out, string Err) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        bool json = args.Contains("--json");
        int exit = ValidateCommand.Run(args.Where(a => a != "--json").ToList(), json, crossCheck: true, stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public void Examples_validate_with_exit_0_and_the_reference_validator_agrees()
    {
        var (exit, output, _) = Run(Path.Combine(TestPaths.SchemaDirectory, "examples"));
        Assert.Equal(0, exit);
        Assert.Contains("3 manifest(s): 0 error(s), 0 warning(s); NJsonSchema cross-check agrees", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Errors_print_in_compiler_form_and_exit_1()
    {
        string path = Path.Combine(_dir, "bad.models.json");
        File.WriteAllText(path, ValidManifest.With().Replace(ValidManifest.Sha, "xyz", StringComparison.Ordinal));
        var (exit, output, _) = Run(path);
        Assert.Equal(1, exit);
        Assert.Matches(@"bad\.models\.json\(12,\d+\): error MM0203: 'assets\[0\]\.sha256' must be a SHA-256 digest", output);
        Assert.Contains("cross-check agrees", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_file_is_a_usage_error_exit_2()
    {
        var (exit, _, err) = Run(Path.Combine(_dir, "nope.models.json"));
        Assert.Equal(2, exit);
        Assert.Contains("no such file", err, StringComparison.Ordinal);
    }

    [Fact]
    public void Json_output_lists_diagnostics_with_positions()
    {
        string path = Path.Combine(_dir, "v2.models.json");
        File.WriteAllText(path, "{ \"schemaVersion\": \"2.0\" }");
        var (exit, output, _) = Run(path, "--json");
        Assert.Equal(1, exit);
        using var doc = JsonDocument.Parse(output);
        var d = doc.RootElement.GetProperty("diagnostics")[0];
        Assert.Equal("MM0011", d.GetProperty("id").GetString());
        Assert.Equal(1, d.GetProperty("line").GetInt32());
        Assert.Equal(20, d.GetProperty("column").GetInt32());
    }

    [Fact]
    public void Tool_process_exits_with_documented_codes()
    {
        string dll = typeof(ValidateCommand).Assembly.Location;
        var psi = new System.Diagnostics.ProcessStartInfo("dotnet", [dll, "validate", "--no-reference", Path.Combine(TestPaths.SchemaDirectory, "examples")]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = System.Diagnostics.Process.Start(psi)!;
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.Equal(0, process.ExitCode);
        Assert.Contains("0 error(s)", output, StringComparison.Ordinal);

        psi.ArgumentList.Clear();
        foreach (string a in new[] { dll, "validate", "--bogus" })
        {
            psi.ArgumentList.Add(a);
        }

        using var bad = System.Diagnostics.Process.Start(psi)!;
        bad.StandardOutput.ReadToEnd();
        bad.WaitForExit();
        Assert.Equal(2, bad.ExitCode);
    }
}
