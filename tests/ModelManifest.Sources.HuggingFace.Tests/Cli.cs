using System.Diagnostics;
using System.Reflection;

namespace ModelManifest.Sources.HuggingFace.Tests;

/// <summary>Runs the built <c>modelmanifest</c> tool as a process (stdout redirected, so its output is plain).</summary>
internal static class Cli
{
    public sealed record Result(int ExitCode, string StdOut, string StdErr);

    private static readonly string s_dll = typeof(Cli).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "CliDll").Value!;

    public static Result Run(IDictionary<string, string?> environment, params string[] args)
    {
        Assert.True(File.Exists(s_dll), $"{s_dll} not built");
        var info = new ProcessStartInfo(System.Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(s_dll);
        args.ToList().ForEach(info.ArgumentList.Add);
        foreach (var (name, value) in environment)
        {
            info.Environment[name] = value;
        }

        using var process = Process.Start(info)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return new Result(process.ExitCode, stdout.Result, stderr.Result);
    }
}
