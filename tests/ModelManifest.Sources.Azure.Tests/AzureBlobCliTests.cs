using System.Diagnostics;
using System.Text.Json;

namespace ModelManifest.Sources.Azure.Tests;

/// <summary>
/// The built <c>modelmanifest</c> tool as a process, as a user runs it: <c>fetch --source azblob://…</c> with
/// <c>AZURE_STORAGE_CONNECTION_STRING</c> set fetches a blob another client put into Azurite; a wrong key fails with
/// the source named and the key nowhere in the output; <c>push --to azblob://…</c> fills the container once and a second
/// push uploads nothing.
/// </summary>
public sealed class AzureBlobCliTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>, IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Fetch_with_an_azblob_source_and_the_connection_string_variable()
    {
        var content = TestContent.Bytes(150_000, 31);
        await azurite.PutAsync("cli/weights/weights.bin", content);

        var result = Run(azurite.Server.ConnectionString(), content, "cli");

        Assert.True(result.ExitCode == 0, result.StdErr + result.StdOut);
        var served = Assert.Single(JsonDocument.Parse(result.StdOut).RootElement.GetProperty("assets").EnumerateArray().ToList());
        Assert.Equal(AzuriteFixture.Location("cli"), served.GetProperty("source").GetString());
        Assert.Equal(content, File.ReadAllBytes(served.GetProperty("path").GetString()!));
    }

    [Fact]
    public async Task Wrong_key_fails_naming_the_source_and_never_printing_the_key()
    {
        var content = TestContent.Bytes(1_000, 32);
        await azurite.PutAsync("cli-denied/weights.bin", content);
        string wrongKey = Convert.ToBase64String(TestContent.Bytes(64, 33));

        var result = Run(azurite.Server.ConnectionString(wrongKey), content, "cli-denied");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"{AzuriteFixture.Location("cli-denied")}: MM1014 access denied (HTTP 403", result.StdErr, StringComparison.Ordinal);
        Assert.DoesNotContain(wrongKey, result.StdErr + result.StdOut, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Push_then_fetch_back_and_a_second_push_uploads_nothing()
    {
        var content = TestContent.Bytes(80_000, 34);
        _dir.Write("weights.bin", content); // beside the manifest: push finds the bytes there
        string manifest = WriteManifest(content);
        string connection = azurite.Server.ConnectionString();
        string target = AzuriteFixture.Location("cli-push");

        var first = Cli(connection, "push", manifest, "--to", target, "--cache", _dir.File("push-cache"), "--json");
        var second = Cli(connection, "push", manifest, "--to", target, "--cache", _dir.File("push-cache"), "--json");
        var fetched = Cli(connection, "fetch", "-m", manifest, "--cache", _dir.File("fetch-cache"), "--json", "--source", target);

        Assert.Equal((1, 0), Pushed(first));
        Assert.Equal((0, 1), Pushed(second));
        Assert.True(fetched.ExitCode == 0, fetched.StdErr + fetched.StdOut);
        var served = Assert.Single(JsonDocument.Parse(fetched.StdOut).RootElement.GetProperty("assets").EnumerateArray().ToList());
        Assert.Equal(target, served.GetProperty("source").GetString());
        var blobs = await azurite.ListAsync("cli-push/");
        Assert.Equal(["cli-push/manifests/weather/1.0.0.models.json", $"cli-push/sha256/{TestContent.Sha256(content)}"], blobs.Keys.Order(StringComparer.Ordinal));
    }

    private static (int Uploaded, int Skipped) Pushed((int ExitCode, string StdOut, string StdErr) result)
    {
        Assert.True(result.ExitCode == 0, result.StdErr + result.StdOut);
        var pushed = Assert.Single(JsonDocument.Parse(result.StdOut).RootElement.GetProperty("pushed").EnumerateArray().ToList());
        return (pushed.GetProperty("uploaded").GetInt32(), pushed.GetProperty("skipped").GetInt32());
    }

    /// <summary>Writes a one-asset manifest for <paramref name="content"/> and runs <c>fetch --json</c> against <paramref name="prefix"/>.</summary>
    private (int ExitCode, string StdOut, string StdErr) Run(string connectionString, byte[] content, string prefix) =>
        Cli(connectionString, "fetch", "-m", WriteManifest(content), "--cache", _dir.File("cache"), "--json", "--source", AzuriteFixture.Location(prefix));

    private string WriteManifest(byte[] content) => _dir.Write("cli.models.json", JsonSerializer.SerializeToUtf8Bytes(new
    {
        schemaVersion = "1.1",
        models = new[] { new { id = "weather", version = "1.0.0", assets = new[] { new { id = "weights" } } } },
        assets = new[] { new { id = "weights", fileName = "weights.bin", size = content.Length, sha256 = TestContent.Sha256(content) } },
    }));

    /// <summary>Runs the built tool with <c>AZURE_STORAGE_CONNECTION_STRING</c> set.</summary>
    private static (int ExitCode, string StdOut, string StdErr) Cli(string connectionString, params string[] arguments)
    {
        string cli = Path.Combine(TestPaths.RepositoryRoot, "src", "ModelManifest.Cli", "bin", Configuration, "net10.0", "ModelManifest.Cli.dll");
        var info = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(cli);
        foreach (string argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["AZURE_STORAGE_CONNECTION_STRING"] = connectionString;
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return (process.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>The configuration this test was built in (bin/&lt;Configuration&gt;/net10.0), which the CLI was built in too.</summary>
    private static string Configuration => Path.GetFileName(Path.GetDirectoryName(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)))!;
}
