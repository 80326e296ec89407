using System.Diagnostics;
using System.Reflection;

namespace ModelManifest.Sources.Oci.Tests;

/// <summary>Runs the other programs of these tests as processes: the built CLI and skopeo (the other OCI client).</summary>
internal static class Tools
{
    public sealed record Result(int ExitCode, string StdOut, string StdErr)
    {
        public string All => StdOut + StdErr;
    }

    private static readonly string s_cli = typeof(Tools).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "CliDll").Value!;

    /// <summary>The built <c>modelmanifest</c> tool, with extra environment variables.</summary>
    public static Result Cli(IDictionary<string, string>? environment, params string[] args)
    {
        Assert.True(File.Exists(s_cli), $"{s_cli} not built");
        return Run(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet", [s_cli, .. args], environment);
    }

    /// <summary>skopeo; asserts success.</summary>
    public static string Skopeo(params string[] args)
    {
        var result = Run("/usr/bin/skopeo", args, null);
        Assert.True(result.ExitCode == 0, $"skopeo {string.Join(' ', args)} failed:\n{result.All}");
        return result.StdOut;
    }

    private static Result Run(string program, IEnumerable<string> args, IDictionary<string, string>? environment)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in args)
        {
            info.ArgumentList.Add(a);
        }

        info.Environment.Remove("DOCKER_CONFIG");
        foreach (var (k, v) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[k] = v;
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return new Result(process.ExitCode, stdout.Result, stderr.Result);
    }
}
