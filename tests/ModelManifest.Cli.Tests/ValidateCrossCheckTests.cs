using System.Text;
using System.Text.Json;

namespace ModelManifest.Cli.Tests;

/// <summary>
/// <c>modelmanifest validate</c> as a process: a failure of the NJsonSchema cross-check is reported as such
/// (MM2601) and never takes the command down; the project's own findings still print.
/// </summary>
public sealed class ValidateCrossCheckTests
{
    private static string Manifest(string size) => $$"""
        {
          "schemaVersion": "1.1",
          "models": [ { "id": "weather", "version": "1.0.0", "assets": [{ "id": "ckpt" }] } ],
          "assets": [
            { "id": "ckpt", "fileName": "weather.ckpt", "size": {{size}}, "sha256": "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "format": "torch" }
          ]
        }
        """;

    [Theory]
    [InlineData("9223372036854775808")] // 2^63: one past long.MaxValue, NJsonSchema threw InvalidCastException
    [InlineData("340282366920938463463374607431768211456")] // 2^128
    public void An_integer_of_2_pow_63_or_more_prints_MM0207_and_reports_the_failed_cross_check(string size)
    {
        using var dir = new TempDir();
        string path = dir.Write("big.models.json", Encoding.UTF8.GetBytes(Manifest(size)));

        var result = CliRunner.Run("validate", path);

        Assert.Equal(1, result.ExitCode);
        Assert.Matches(@"big\.models\.json\(5,\d+\): error MM0207: 'assets\[0\]\.size' must fit in a 64-bit integer", result.StdOut);
        Assert.Contains("warning MM2601: the reference validator (NJsonSchema) failed on this file", result.StdOut, StringComparison.Ordinal);
        Assert.Contains("1 manifest(s): 1 error(s), 0 warning(s); NJsonSchema cross-check agrees, FAILED on 1 file(s)", result.StdOut, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.StdOut + result.StdErr, StringComparison.Ordinal);
        Assert.Equal(string.Empty, result.StdErr);
    }

    [Fact]
    public void The_failed_cross_check_is_listed_in_json_output()
    {
        using var dir = new TempDir();
        string path = dir.Write("big.models.json", Encoding.UTF8.GetBytes(Manifest("9223372036854775808")));

        var result = CliRunner.Run("validate", "--json", path);

        Assert.Equal(1, result.ExitCode);
        using var doc = JsonDocument.Parse(result.StdOut);
        Assert.Equal("MM0207", doc.RootElement.GetProperty("diagnostics")[0].GetProperty("id").GetString());
        Assert.Contains("MM2601", doc.RootElement.GetProperty("referenceFailures")[0].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void An_integer_that_fits_is_judged_by_both_validators()
    {
        using var dir = new TempDir();
        string path = dir.Write("ok.models.json", Encoding.UTF8.GetBytes(Manifest("9223372036854775807")));

        var result = CliRunner.Run("validate", path);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("0 error(s), 0 warning(s); NJsonSchema cross-check agrees", result.StdOut, StringComparison.Ordinal);
    }
}
