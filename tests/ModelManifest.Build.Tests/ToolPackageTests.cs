using System.Reflection.PortableExecutable;
using System.Runtime.InteropServices;

namespace ModelManifest.Build.Tests;

/// <summary>
/// The <c>modelmanifest</c> tool as users get it: <c>dotnet tool install</c> of the packed <c>ModelManifest.Cli</c>
/// picks this platform's package (ReadyToRun, its own ONNX Runtime natives only), and the installed command runs.
/// </summary>
[Collection(PackedPackagesCollection.Name)]
[Trait("Category", "EndToEnd")]
public sealed class ToolPackageTests(PackedPackages packages)
{
    [Fact]
    public void Dotnet_tool_install_picks_this_platforms_ahead_of_time_compiled_package_and_the_command_runs()
    {
        string rid = RuntimeInformation.RuntimeIdentifier; // "linux-x64" on the build machines (a portable RID)
        string tools = Directory.CreateDirectory(Path.Combine(packages.Root, "tools-" + Guid.NewGuid().ToString("N")[..8])).FullName;
        var environment = new Dictionary<string, string> { ["NUGET_PACKAGES"] = packages.GlobalPackages };

        var install = DotNet.Run(packages.Root, ["tool", "install", "--tool-path", tools, "--add-source", packages.Feed, "ModelManifest.Cli", "--version", PackedPackages.Version], environment);

        Assert.True(install.ExitCode == 0, install.Output);
        string payload = Path.Combine(tools, ".store", "modelmanifest.cli", PackedPackages.Version, "modelmanifest.cli." + rid, PackedPackages.Version, "tools", "net10.0", rid);
        Assert.True(Directory.Exists(payload), $"no {rid} package was installed:\n" + string.Join('\n', Directory.EnumerateDirectories(Path.Combine(tools, ".store"), "*", SearchOption.AllDirectories)));
        using (var pe = new PEReader(File.OpenRead(Path.Combine(payload, "ModelManifest.Cli.dll"))))
        {
            Assert.True(pe.PEHeaders.CorHeader!.ManagedNativeHeaderDirectory.Size > 0, "ModelManifest.Cli.dll is not ReadyToRun-compiled");
        }

        // Only this platform's ONNX Runtime native travels in its package.
        string[] natives = ["onnxruntime.dll", "libonnxruntime.so", "libonnxruntime.dylib"];
        string ours = OperatingSystem.IsWindows() ? natives[0] : OperatingSystem.IsMacOS() ? natives[2] : natives[1];
        var files = Directory.GetFiles(payload, "*", SearchOption.AllDirectories).Select(Path.GetFileName).ToList();
        Assert.Contains(ours, files);
        Assert.Empty(files.Intersect(natives.Except([ours])));

        string command = Path.Combine(tools, OperatingSystem.IsWindows() ? "modelmanifest.exe" : "modelmanifest");
        var version = Run(command, "--version");
        Assert.True(version.ExitCode == 0, version.Output);
        Assert.StartsWith(PackedPackages.Version, version.Output.Trim(), StringComparison.Ordinal);
        var validate = Run(command, "validate", "--no-reference", Path.Combine(TestPaths.SchemaDirectory, "examples", "vision.models.json"));
        Assert.True(validate.ExitCode == 0, validate.Output);
    }

    private static DotNet.Result Run(string command, params string[] args)
    {
        var psi = new System.Diagnostics.ProcessStartInfo(command) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var process = System.Diagnostics.Process.Start(psi)!;
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(60_000), command + " did not finish");
        return new DotNet.Result(process.ExitCode, stdout + stderr.Result);
    }
}
