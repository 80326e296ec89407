using System.Diagnostics;

namespace ModelManifest.Testing;

/// <summary>Runs a built .NET tool (its dll, on the test's own <c>dotnet</c>) as a process with captured stdout/stderr.</summary>
public static class DotnetTool
{
    public sealed record Result(int ExitCode, string StdOut, string StdErr);

    /// <summary>Runs <paramref name="dll"/> with <paramref name="args"/>; <paramref name="environment"/> values override (null removes) the inherited ones.</summary>
    public static Result Run(string dll, IEnumerable<string> args, IEnumerable<KeyValuePair<string, string?>>? environment = null, string? workingDirectory = null)
    {
        var info = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            WorkingDirectory = workingDirectory ?? string.Empty,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(dll);
        foreach (string a in args)
        {
            info.ArgumentList.Add(a);
        }

        info.Environment.Remove("NO_COLOR");
        foreach (var (name, value) in environment ?? [])
        {
            info.Environment[name] = value;
        }

        using Process process = Process.Start(info)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return new Result(process.ExitCode, stdout.Result, stderr.Result);
    }
}
