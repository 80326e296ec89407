using System.Text.Json;

namespace ModelManifest.Cli.Tests;

/// <summary>
/// <c>--source-setting Name=Value</c>: the settings a <c>ModelAssetSource</c> item carries as metadata, given on the
/// command line to the <c>--source</c> (or <c>push --to</c>) written just before it. A setting reaches its source and only
/// that one; a misspelt name, a setting with no source before it, or a malformed one is a clean usage error that never
/// echoes the value.
/// </summary>
public sealed class SourceSettingTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void A_layout_setting_reaches_its_own_source_only()
    {
        byte[] content = TestContent.Bytes(5_000, 71);
        string sha256 = TestContent.Sha256(content);
        string manifest = WriteManifest(content);
        Directory.CreateDirectory(_dir.File("mirror/sha256"));
        _dir.Write($"mirror/sha256/{sha256}", content); // a content-addressed mirror: only the Sha256 layout finds it
        string mirror = _dir.File("mirror");

        CliRunner.Result wrongLayout = Fetch(manifest, "one", "-s", mirror, "--source-setting", "Layout=FileName");
        CliRunner.Result rightLayout = Fetch(manifest, "two", "-s", _dir.File("empty"), "--source-setting", "Layout=FileName", "-s", mirror, "--source-setting", "Layout=Sha256");

        Assert.Equal(1, wrongLayout.ExitCode);
        Assert.Contains("mirror: MM1011 no file of 5000 bytes at weights.bin", wrongLayout.StdErr, StringComparison.Ordinal); // looked by file name only
        Assert.True(rightLayout.ExitCode == 0, rightLayout.StdErr + rightLayout.StdOut);
        var served = Assert.Single(JsonDocument.Parse(rightLayout.StdOut).RootElement.GetProperty("assets").EnumerateArray().ToList());
        Assert.Equal(content, File.ReadAllBytes(served.GetProperty("path").GetString()!));
    }

    [Fact]
    public void A_misspelt_setting_is_one_clean_error_that_lists_what_the_kind_reads()
    {
        CliRunner.Result r = Fetch(WriteManifest([1, 2, 3]), "typo", "-s", "s3://models/weather", "--source-setting", "Endpiont=http://127.0.0.1:9000");

        Assert.Equal(2, r.ExitCode);
        CliRunner.AssertOneCleanErrorLine(r, "MM1015");
        Assert.Contains("has the setting 'Endpiont', which s3:// sources do not read; their settings are", r.StdErr, StringComparison.Ordinal);
        Assert.Contains("Endpoint", r.StdErr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Layout=Sha256", "comes before any --source")]
    [InlineData("sk-live-4f9a2c", "write Name=Value")]
    [InlineData("Token=", "write Name=Value")]
    public void A_setting_with_no_source_before_it_or_not_Name_Value_is_a_usage_error_without_the_value(string setting, string message)
    {
        string[] arguments = setting.StartsWith("Layout", StringComparison.Ordinal)
            ? ["--source-setting", setting, "-s", _dir.Path]
            : ["-s", _dir.Path, "--source-setting", setting];

        CliRunner.Result r = Fetch(WriteManifest([1, 2, 3]), "bad", arguments);

        Assert.Equal(2, r.ExitCode);
        CliRunner.AssertOneCleanErrorLine(r, "MM2002");
        Assert.Contains(message, r.StdErr, StringComparison.Ordinal);
        Assert.DoesNotContain("sk-live-4f9a2c", r.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public void Push_pairs_each_setting_with_the_target_or_source_written_before_it()
    {
        // Layout is an s3:// setting, so it is the folder source 'second' (not the target, not 'first') that is refused.
        CliRunner.Result r = CliRunner.Run("push", WriteManifest([1, 2, 3]), "--to", "s3://models/team", "--source-setting", "Layout=Sha256",
            "-s", _dir.File("first"), _dir.File("second"), "--source-setting", "Region=eu-west-1", "--cache", _dir.File("push-cache"));

        Assert.Equal(2, r.ExitCode);
        CliRunner.AssertOneCleanErrorLine(r, "MM1015");
        Assert.Contains($"--source: The source location '{_dir.File("second")}' has the setting 'Region', which folder sources do not read", r.StdErr, StringComparison.Ordinal);
    }

    private CliRunner.Result Fetch(string manifest, string cache, params string[] sources) =>
        CliRunner.Run(["fetch", "-m", manifest, "--cache", _dir.File("cache-" + cache), "--json", "--no-local-caches", .. sources]);

    private string WriteManifest(byte[] content) => _dir.Write("settings.models.json", JsonSerializer.SerializeToUtf8Bytes(new
    {
        schemaVersion = "1.1",
        models = new[] { new { id = "weather", version = "1.0.0", assets = new[] { new { id = "weights" } } } },
        assets = new[] { new { id = "weights", fileName = "weights.bin", size = content.Length, sha256 = TestContent.Sha256(content) } },
    }));
}
