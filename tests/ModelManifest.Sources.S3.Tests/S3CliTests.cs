using System.Diagnostics;
using System.Reflection;

namespace ModelManifest.Sources.S3.Tests;

/// <summary>
/// <c>modelmanifest fetch --source s3://…</c> run as a process, configured only by the conventional AWS variables (the
/// SDK's default chain), against s3rver with objects the AWS CLI put.
/// </summary>
public sealed class S3CliTests(S3Fixture s3) : IClassFixture<S3Fixture>, IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Fetch_from_s3_with_the_aws_environment()
    {
        var asset = new SampleAsset("cli-weights", "cli.onnx", 30_000, seed: 21);
        s3.Put(S3Fixture.Bucket, "cli/cli-weights/cli.onnx", asset.Bytes);

        var result = Fetch(asset, "s3://models/cli", Environment(s3.Server.ClientEnvironment));

        Assert.True(result.ExitCode == 0, result.StdErr);
        Assert.Contains("s3://models/cli", result.StdOut);
        Assert.Equal(asset.Bytes, File.ReadAllBytes(Directory.GetFiles(_dir.File("cache"), asset.Sha256, SearchOption.AllDirectories).Single()));
    }

    [Fact]
    public void Push_then_fetch_back_and_a_second_push_uploads_nothing()
    {
        var asset = new SampleAsset("cli-pushed", "pushed.gguf", 40_000, seed: 26);
        string folder = _dir.Sub("to-push");
        asset.WriteTo(folder);
        string manifest = Path.Combine(folder, "pushed.models.json");
        File.WriteAllText(manifest, SampleAsset.Manifest(asset));
        var environment = Environment(s3.Server.ClientEnvironment);

        var first = Run(environment, "push", manifest, "--to", "s3://mirror/cli", "--cache", _dir.File("push-cache"), "--json");
        var second = Run(environment, "push", manifest, "--to", "s3://mirror/cli", "--cache", _dir.File("push-cache"), "--json");

        Assert.True(first.ExitCode == 0, first.StdErr);
        Assert.Contains("\"uploaded\": 1", first.StdOut);
        Assert.Contains("\"reference\": \"s3://mirror/cli/models/cli-pushed-model/1.0.0.models.json\"", first.StdOut);
        Assert.True(second.ExitCode == 0, second.StdErr);
        Assert.Contains("\"uploaded\": 0", second.StdOut);
        Assert.Contains("\"skipped\": 1", second.StdOut);
        Assert.Contains("cli-pushed-model", s3.Aws("s3", "cp", "s3://mirror/cli/models/cli-pushed-model/1.0.0.models.json", "-"));

        var fetched = Fetch(asset, "s3://mirror/cli", environment);
        Assert.True(fetched.ExitCode == 0, fetched.StdErr);
        Assert.Contains("s3://mirror/cli", fetched.StdOut);
    }

    [Fact]
    public void Refused_credentials_name_the_source_and_never_the_keys()
    {
        // s3rver checks the key id, not the SigV4 signature: a wrong id is what it refuses.
        const string KeyId = "AKIACLIWRONG4";
        const string Secret = "cli-wrong-secret-7Yx2";
        var asset = new SampleAsset("cli-guarded", "guarded.bin", 2_000, seed: 22);
        s3.Put(S3Fixture.Bucket, "cli/guarded.bin", asset.Bytes);
        var environment = Environment(s3.Server.ClientEnvironment);
        environment["AWS_ACCESS_KEY_ID"] = KeyId;
        environment["AWS_SECRET_ACCESS_KEY"] = Secret;

        var result = Fetch(asset, "s3://models/cli", environment);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("error MM1001", result.StdErr);
        Assert.Contains("s3://models/cli: MM1014 access to s3://models/cli/guarded.bin was refused", result.StdErr);
        AssertClean(result);
        Assert.DoesNotContain(Secret, result.StdOut + result.StdErr);
        Assert.DoesNotContain(KeyId, result.StdOut + result.StdErr);
    }

    [Fact]
    public void No_credentials_anywhere_is_a_clean_error()
    {
        var asset = new SampleAsset("cli-anonymous", "anonymous.bin", 1_000, seed: 23);
        var environment = Environment(s3.Server.ClientEnvironment);
        environment.Remove("AWS_ACCESS_KEY_ID");
        environment.Remove("AWS_SECRET_ACCESS_KEY");

        var result = Fetch(asset, "s3://models/cli", environment);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("s3://models/cli: MM1014 no AWS credentials were found: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY", result.StdErr);
        AssertClean(result);
    }

    [Fact]
    public void A_half_set_key_pair_is_a_clean_error()
    {
        var asset = new SampleAsset("cli-half", "half.bin", 1_000, seed: 24);
        var environment = Environment(s3.Server.ClientEnvironment);
        environment.Remove("AWS_SECRET_ACCESS_KEY");

        var result = Fetch(asset, "s3://models/cli", environment);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("MM1014 AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not.", result.StdErr);
        AssertClean(result);
    }

    [Fact]
    public void An_endpoint_variable_with_a_credential_is_rejected_without_echoing_it()
    {
        var asset = new SampleAsset("cli-endpoint", "endpoint.bin", 1_000, seed: 25);
        var environment = Environment(s3.Server.ClientEnvironment);
        environment["AWS_ENDPOINT_URL_S3"] = $"http://key:endpoint-secret-55@127.0.0.1:{s3.Server.Port}";

        var result = Fetch(asset, "s3://models/cli", environment);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("error MM1015", result.StdErr);
        Assert.Contains("AWS_ENDPOINT_URL_S3", result.StdErr);
        Assert.DoesNotContain("endpoint-secret-55", result.StdOut + result.StdErr);
        AssertClean(result);
    }

    private Dictionary<string, string?> Environment(IReadOnlyDictionary<string, string> aws)
    {
        var environment = new Dictionary<string, string?>();
        foreach (var (key, value) in aws)
        {
            environment[key] = value;
        }

        return environment;
    }

    private (int ExitCode, string StdOut, string StdErr) Fetch(SampleAsset asset, string source, Dictionary<string, string?> environment)
    {
        string manifest = _dir.Write($"{asset.Id}.models.json", System.Text.Encoding.UTF8.GetBytes(SampleAsset.Manifest(asset)));
        return Run(environment, "fetch", "--manifest", manifest, "--source", source, "--cache", _dir.File("cache"));
    }

    /// <summary>Runs the built CLI with the machine's AWS settings removed and <paramref name="environment"/> added.</summary>
    private (int ExitCode, string StdOut, string StdErr) Run(Dictionary<string, string?> environment, params string[] args)
    {
        string dll = typeof(S3CliTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "CliDll").Value!;
        Assert.True(File.Exists(dll), $"{dll} not built");
        var info = new ProcessStartInfo(System.Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(dll);
        foreach (string arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        s3.Isolate(info.Environment);
        info.Environment.Remove("MODELMANIFEST_OFFLINE");
        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return (process.ExitCode, stdout.Result, stderr.Result);
    }

    private static void AssertClean((int ExitCode, string StdOut, string StdErr) result)
    {
        Assert.DoesNotContain("   at ", result.StdErr);
        Assert.DoesNotContain("Exception", result.StdErr);
        Assert.DoesNotContain(S3Server.AccessKey, result.StdErr);
    }
}
