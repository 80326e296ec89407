namespace ModelManifest.Cli.Tests;

/// <summary>
/// <c>push</c>: what a new user types wrong gets one clean line and exit 2, before anything is read or uploaded.
/// (Each kind of target is pushed to for real in its own test project: S3, Azure, OCI, the registry.)
/// </summary>
public sealed class PushCommandTests
{
    private static readonly string s_examples = Path.Combine(SchemaValidation.RepositoryRoot(), "schema", "examples");

    [Theory]
    [InlineData("--to", "./models", "cannot be pushed to")]
    [InlineData("--to", "https://models.example/", "cannot be pushed to")]
    [InlineData("--to", "htp://models.example/", "'htp:'")]
    [InlineData("--to", "s3://bucket/models?X-Amz-Signature=abc", "s3://bucket/models?REDACTED")]
    public void A_location_that_is_no_push_target_is_one_clean_error(string option, string location, string expected)
    {
        var result = CliRunner.Run("push", s_examples, option, location);

        CliRunner.AssertOneCleanErrorLine(result, "MM1015");
        Assert.Contains(expected, result.StdErr, StringComparison.Ordinal);
        Assert.DoesNotContain("X-Amz-Signature", result.StdErr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData]
    [InlineData("--to", "s3://bucket/models", "--registry", "http://127.0.0.1:9/")]
    public void Push_needs_exactly_one_destination(params string[] destination)
    {
        var result = CliRunner.Run(["push", s_examples, .. destination]);

        CliRunner.AssertOneCleanErrorLine(result, "MM2002");
        Assert.Contains("exactly one of --to", result.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public void Push_without_manifests_is_a_usage_error()
    {
        var result = CliRunner.Run("push", "--to", "s3://bucket/models");

        Assert.Equal(2, result.ExitCode);
        Assert.Empty(result.StdOut.Trim());
    }
}
