using System.Diagnostics;

namespace ModelManifest.Registry.Tests;

/// <summary>
/// The registry's container image, as docs/registry.md builds it (<c>dotnet publish -t:PublishContainer</c> with the
/// project's settings), starts as its non-root user and serves: eng/container-check.sh builds it on a local base image
/// (no container engine or mcr.microsoft.com here), unpacks it and runs its entrypoint in a chroot.
/// </summary>
public sealed class ContainerImageTests
{
    [Fact]
    public async Task The_image_built_by_PublishContainer_starts_its_entrypoint_and_serves_health_and_openapi()
    {
        var psi = new ProcessStartInfo("bash") { WorkingDirectory = TestPaths.RepositoryRoot, RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(Path.Combine("eng", "container-check.sh"));
        psi.Environment["MM_SKIP_BUILD"] = "1";
        using var process = Process.Start(psi)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail("eng/container-check.sh did not finish in 10 minutes:\n" + await stdout + await stderr);
        }

        string output = await stdout + await stderr;
        Assert.True(process.ExitCode == 0, output);
        Assert.Contains("entrypoint: ['dotnet', '/app/ModelManifest.Registry.dll']", output, StringComparison.Ordinal);
        Assert.Contains("container-check: ok", output, StringComparison.Ordinal);
    }
}
