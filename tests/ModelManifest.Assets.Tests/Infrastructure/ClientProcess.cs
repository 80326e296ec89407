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

    /// <summary>The user id the tests can run a client as, to see what another (non-root) user sees; null when not possible here.</summary>
    public static int? OtherUserId => Environment.UserName == "root" && File.Exists("/usr/bin/setpriv") ? 65534 : null;

    public static ClientProcess Start(string cacheRoot, Uri baseUrl, AssetInfo asset, bool disableFileLocks = false, int? asUser = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        var dll = typeof(ClientProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "TestClientDll").Value!;
        Assert.True(File.Exists(dll), $"TestClient not built at {dll}");
        var start = new ProcessStartInfo(asUser is null ? "dotnet" : "/usr/bin/setpriv")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        if (disableFileLocks)
        {
            // .NET then takes no OS lock for FileShare.None: what a network file system with broken locks looks like.
            start.Environment["DOTNET_SYSTEM_IO_DISABLEFILELOCKING"] = "1";
        }

        if (asUser is { } uid)
        {
            // A real other user: root's bypass of file modes is gone, so read-only and foreign files behave as they do for users.
            var id = uid.ToString(CultureInfo.InvariantCulture);
            foreach (var argument in new[] { "--reuid=" + id, "--regid=" + id, "--clear-groups", "dotnet" })
            {
                start.ArgumentList.Add(argument);
            }

            start.Environment["HOME"] = Path.GetTempPath();
            start.Environment["DOTNET_CLI_HOME"] = Path.GetTempPath();
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
