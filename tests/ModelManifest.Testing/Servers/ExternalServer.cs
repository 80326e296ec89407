using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ModelManifest.Testing;

/// <summary>
/// A real server program (from Debian or npm, installed by eng/install-prerequisites.sh) run as a separate process on
/// loopback for one test class: started on a free port, awaited until it accepts connections, killed (whole process
/// tree) on dispose. Its output is kept for failure messages.
/// </summary>
public class ExternalServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    /// <summary>Starts <paramref name="fileName"/> and waits until <paramref name="port"/> on 127.0.0.1 accepts a connection.</summary>
    protected ExternalServer(string fileName, IEnumerable<string> arguments, int port, IDictionary<string, string>? environment = null, TimeSpan? startTimeout = null)
    {
        Port = port;
        var psi = new ProcessStartInfo(fileName) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string argument in arguments)
        {
            psi.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            psi.Environment[key] = value;
        }

        _process = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {fileName}");
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        WaitForPort(startTimeout ?? TimeSpan.FromSeconds(60));
    }

    /// <summary>The loopback port the server listens on.</summary>
    public int Port { get; }

    /// <summary>What the server printed so far.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>A TCP port on 127.0.0.1 that is free right now.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The executable of an npm package installed by eng/install-prerequisites.sh into artifacts/test-tools.</summary>
    public static string NpmTool(string name)
    {
        string path = Path.Combine(TestPaths.RepositoryRoot, "artifacts", "test-tools", "node_modules", ".bin", name);
        return File.Exists(path)
            ? path
            : throw new InvalidOperationException($"{path} is missing: run eng/install-prerequisites.sh");
    }

    /// <inheritdoc />
    public virtual async ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }

            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException)
        {
        }

        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    private void WaitForPort(TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout)
        {
            if (_process.HasExited)
            {
                _process.WaitForExit(); // drains the redirected output, so the message holds everything it printed
                throw new InvalidOperationException($"{_process.StartInfo.FileName} exited with {_process.ExitCode} before listening on {Port}:\n{Output}");
            }

            try
            {
                using var client = new TcpClient();
                client.Connect(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException)
            {
                Thread.Sleep(100);
            }
        }

        throw new TimeoutException($"{_process.StartInfo.FileName} did not listen on {Port} within {timeout}:\n{Output}");
    }
}
