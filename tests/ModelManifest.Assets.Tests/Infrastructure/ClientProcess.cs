using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text;

namespace ModelManifest.Assets.Tests.Infrastructure;

/// <summary>The TestClient console app started as a real, separate OS process.</summary>
public sealed class ClientProcess : IDisposable
{
    private readonly StringBuilder _output = new();
    private readonly StringBuilder _error = new();

    private ClientProcess(Process process)
    {
        Process = process;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (_output) { _output.AppendLine(e.Data); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (_error) { _error.AppendLine(e.Data); } } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public Process Process { get; }

    public string Output
    {
        get { lock (_output) { return _output.ToString(); } }
    }

    public string Error
    {
        get { lock (_error) { return _error.ToString(); } }
    }

    public static ClientProcess Start(string cacheRoot, Uri baseUrl, AssetInfo asset, bool disableFileLocks = false)
    {
        var dll = typeof(ClientProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "TestClientDll").Value!;
        Assert.True(File.Exists(dll), $"TestClient not built at {dll}");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (disableFileLocks)
        {
            // .NET then takes no OS lock for FileShare.None: what a network file system with broken locks looks like.
            start.Environment["DOTNET_SYSTEM_IO_DISABLEFILELOCKING"] = "1";
        }

        foreach (var argument in new[] { "exec", dll, cacheRoot, baseUrl.AbsoluteUri, asset.Id, asset.FileName, asset.Size.ToString(CultureInfo.InvariantCulture), asset.Sha256 })
        {
            start.ArgumentList.Add(argument);
        }

        return new ClientProcess(Process.Start(start)!);
    }

    public async Task<int> WaitAsync()
    {
        using var failsafe = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await Process.WaitForExitAsync(failsafe.Token);
        Process.WaitForExit(); // flushes the redirected streams
        return Process.ExitCode;
    }

    public void Dispose()
    {
        if (!Process.HasExited)
        {
            Process.Kill();
        }

        Process.Dispose();
    }
}
