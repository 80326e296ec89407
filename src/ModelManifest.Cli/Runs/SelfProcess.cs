using System.Diagnostics;

namespace ModelManifest.Cli.Runs;

/// <summary>Starts this tool again as a child process (for work that may crash the process, such as loading a model).</summary>
internal static class SelfProcess
{
    public static ProcessStartInfo StartInfo(params string[] arguments)
    {
        string dll = typeof(SelfProcess).Assembly.Location;
        string directory = Path.GetDirectoryName(dll)!;
        string name = Path.GetFileNameWithoutExtension(dll);
        string appHost = Path.Combine(directory, OperatingSystem.IsWindows() ? name + ".exe" : name);
        ProcessStartInfo info;
        if (File.Exists(appHost))
        {
            info = new ProcessStartInfo(appHost);
        }
        else
        {
            string? current = Environment.ProcessPath;
            string host = current is not null && Path.GetFileNameWithoutExtension(current) == "dotnet"
                ? current
                : Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";
            info = new ProcessStartInfo(host);
            info.ArgumentList.Add(dll);
        }

        foreach (string argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        info.UseShellExecute = false;
        info.Environment["NO_COLOR"] = "1";
        return info;
    }

    /// <summary>Runs the child to completion or until <paramref name="timeout"/> (then kills it, and only it and its children).</summary>
    public static (int? ExitCode, string StdOut, string StdErr) Run(TimeSpan timeout, params string[] arguments)
    {
        using var process = Process.Start(StartInfo(arguments)) ?? throw new InvalidOperationException("could not start the worker process");
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            return (null, stdout.Result, stderr.Result);
        }

        process.WaitForExit();
        return (process.ExitCode, stdout.Result, stderr.Result);
    }
}
