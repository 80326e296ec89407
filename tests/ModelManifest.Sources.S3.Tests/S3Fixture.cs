using System.Diagnostics;

namespace ModelManifest.Sources.S3.Tests;

/// <summary>
/// One s3rver per test class (buckets <see cref="Bucket"/> and <see cref="PushBucket"/>), a different client to put
/// objects (the AWS CLI from Debian's awscli), and the settings that point an s3:// location at the server with the
/// credentials in environment variables of this fixture's own names (so parallel classes never share process state).
/// </summary>
public sealed class S3Fixture : IAsyncLifetime
{
    public const string Bucket = "models";
    public const string PushBucket = "mirror";

    /// <summary>The AWS CLI of Debian's awscli package (not another one on PATH).</summary>
    public const string AwsCli = "/usr/bin/aws";

    private readonly string _suffix = Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();

    public S3Server Server { get; private set; } = null!;

    public TempDir Work { get; } = new();

    /// <summary>The variable holding the access key id (named by <c>AccessKeyEnvironmentVariable</c>).</summary>
    public string AccessKeyVariable => "MM_S3_TEST_KEY_" + _suffix;

    /// <summary>The variable holding the secret (named by <c>SecretKeyEnvironmentVariable</c>).</summary>
    public string SecretKeyVariable => "MM_S3_TEST_SECRET_" + _suffix;

    public Task InitializeAsync()
    {
        Server = S3Server.Start(Bucket, PushBucket);
        Environment.SetEnvironmentVariable(AccessKeyVariable, S3Server.AccessKey);
        Environment.SetEnvironmentVariable(SecretKeyVariable, S3Server.SecretKey);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        Environment.SetEnvironmentVariable(AccessKeyVariable, null);
        Environment.SetEnvironmentVariable(SecretKeyVariable, null);
        await Server.DisposeAsync();
        Work.Dispose();
    }

    /// <summary>Settings of a source on this server: endpoint and the names of the credential variables, plus <paramref name="more"/>.</summary>
    public Dictionary<string, string> Settings(params (string Key, string Value)[] more)
    {
        var settings = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["Endpoint"] = Server.Endpoint.ToString(),
            ["AccessKeyEnvironmentVariable"] = AccessKeyVariable,
            ["SecretKeyEnvironmentVariable"] = SecretKeyVariable,
        };
        foreach (var (key, value) in more)
        {
            settings[key] = value;
        }

        return settings;
    }

    /// <summary>Puts <paramref name="bytes"/> at <c>s3://bucket/key</c> with the AWS CLI.</summary>
    public void Put(string bucket, string key, byte[] bytes)
    {
        string file = Work.Write(Guid.NewGuid().ToString("N"), bytes);
        Aws("s3", "cp", file, $"s3://{bucket}/{key}");
        File.Delete(file);
    }

    /// <summary>Runs the AWS CLI against this server and returns its standard output (a failure fails the test).</summary>
    public string Aws(params string[] args)
    {
        var info = new ProcessStartInfo(AwsCli) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        info.ArgumentList.Add("--endpoint-url");
        info.ArgumentList.Add(Server.Endpoint.ToString().TrimEnd('/'));
        Isolate(info.Environment);
        foreach (var (key, value) in Server.ClientEnvironment)
        {
            info.Environment[key] = value;
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"aws {string.Join(' ', args)} exited with {process.ExitCode}: {stderr.Result}");
        return stdout.Result;
    }

    /// <summary>
    /// Removes every AWS setting of the machine from a child's environment and keeps the SDKs off the network beyond
    /// loopback: no shared config or credentials files, no instance metadata service.
    /// </summary>
    public void Isolate(IDictionary<string, string?> environment)
    {
        foreach (string key in environment.Keys.Where(k => k.StartsWith("AWS_", StringComparison.Ordinal)).ToList())
        {
            environment.Remove(key);
        }

        environment["AWS_CONFIG_FILE"] = Work.File("no-aws-config");
        environment["AWS_SHARED_CREDENTIALS_FILE"] = Work.File("no-aws-credentials");
        environment["AWS_EC2_METADATA_DISABLED"] = "true";
    }
}
