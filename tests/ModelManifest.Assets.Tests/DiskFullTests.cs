using System.Diagnostics;
using ModelManifest.Assets.Tests.Infrastructure;
using Xunit.Abstractions;

namespace ModelManifest.Assets.Tests;

/// <summary>A cache on a real, small tmpfs (needs root to mount; skipped with a message otherwise).</summary>
public sealed class DiskFullTests : LoopbackTestBase
{
    private readonly ITestOutputHelper _output;

    public DiskFullTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public async Task A_full_disk_is_one_clean_error_with_no_retries_and_gives_the_space_back()
    {
        var volume = Engine.Dir.Sub("small");
        if (!Run("mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", volume))
        {
            _output.WriteLine("SKIPPED: cannot mount a tmpfs here (needs root).");
            return;
        }

        try
        {
            var cache = new AssetCache(Path.Combine(volume, "cache"));
            var manager = new AssetManager(cache, new AssetManagerOptions { RetryDelay = TimeSpan.FromMilliseconds(10) });
            var content = TestContent.Bytes(16 << 20, 80);
            var asset = TestFiles.Asset(content);
            Server.Add(asset.FileName, content);
            manager.AddSource(Engine.Http(Server.BaseUrl));

            var error = await Assert.ThrowsAsync<AssetException>(() => manager.GetAsync(asset));

            Assert.Equal(AssetDiagnosticIds.DiskFull, error.Code);
            Assert.Equal(1, Server.RequestCount);
            Assert.Empty(cache.ListIncomplete());
            Assert.Empty(cache.List());
        }
        finally
        {
            Run("umount", "-l", volume);
        }
    }

    private static bool Run(string command, params string[] arguments)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo(command, arguments) { RedirectStandardError = true, RedirectStandardOutput = true })!;
            process.WaitForExit();
            return process.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }
}
