using System.Diagnostics;

namespace ModelManifest.Build.Tests;

/// <summary>
/// The packed ModelManifest, ModelManifest.Build and ModelManifest.Cli (tool) packages in a local feed, shared by every end-to-end test.
/// eng/test.sh packs them once before the tests (MODELMANIFEST_E2E_FEED); run alone, the fixture packs them itself.
/// </summary>
public sealed class PackedPackages : IDisposable
{
    public const string Version = "0.1.0";

    public PackedPackages()
    {
        Root = Directory.CreateTempSubdirectory("mm-e2e-").FullName;
        GlobalPackages = Path.Combine(Root, "packages");
        string? feed = Environment.GetEnvironmentVariable("MODELMANIFEST_E2E_FEED");
        if (string.IsNullOrEmpty(feed) || !File.Exists(Path.Combine(feed, $"ModelManifest.Build.{Version}.nupkg")))
        {
            feed = Path.Combine(Root, "feed");
            foreach (string project in new[] { "src/ModelManifest/ModelManifest.csproj", "src/ModelManifest.Build/ModelManifest.Build.csproj", "src/ModelManifest.Cli/ModelManifest.Cli.csproj" })
            {
                var result = DotNet.Run(TestPaths.RepositoryRoot, ["pack", project, "-c", "Release", "-o", feed, "-nodeReuse:false"], new Dictionary<string, string>());
                if (result.ExitCode != 0)
                {
                    throw new InvalidOperationException("dotnet pack failed:\n" + result.Output);
                }
            }
        }

        Feed = feed;
    }

    /// <summary>Temp folder of this test run.</summary>
    public string Root { get; }

    /// <summary>The local feed holding both nupkgs.</summary>
    public string Feed { get; }

    /// <summary>A private global packages folder, so no stale extraction from another run is ever used.</summary>
    public string GlobalPackages { get; }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}

[CollectionDefinition(Name)]
public sealed class PackedPackagesCollection : ICollectionFixture<PackedPackages>
{
    public const string Name = "packed packages";
}

/// <summary>Runs the real dotnet CLI.</summary>
public static class DotNet
{
    public sealed record Result(int ExitCode, string Output);

    public static Result Run(string workingDirectory, IEnumerable<string> args, IReadOnlyDictionary<string, string> environment, TimeSpan? timeout = null)
        => WaitFor(Start(workingDirectory, args, environment), timeout);

    public static (Process Process, System.Text.StringBuilder Output) Start(string workingDirectory, IEnumerable<string> args, IReadOnlyDictionary<string, string> environment)
    {
        var psi = new ProcessStartInfo("dotnet") { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }

        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        psi.Environment["DOTNET_NOLOGO"] = "1";
        psi.Environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
        psi.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        psi.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        psi.Environment.Remove("MSBuildExtensionsPath");
        psi.Environment.Remove("MSBuildSDKsPath");
        psi.Environment.Remove("MSBUILD_EXE_PATH");
        foreach (var (key, value) in environment)
        {
            psi.Environment[key] = value;
        }

        var output = new System.Text.StringBuilder();
        var process = new Process { StartInfo = psi };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (output) { output.AppendLine(e.Data); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (output) { output.AppendLine(e.Data); } } };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return (process, output);
    }

    public static Result WaitFor((Process Process, System.Text.StringBuilder Output) started, TimeSpan? timeout = null)
    {
        using Process process = started.Process;
        if (!process.WaitForExit(timeout ?? TimeSpan.FromMinutes(5)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("dotnet did not finish:\n" + started.Output);
        }

        process.WaitForExit();
        lock (started.Output)
        {
            return new Result(process.ExitCode, started.Output.ToString());
        }
    }
}
