using System.Diagnostics;

namespace ModelManifest.Testing;

/// <summary>
/// A throwaway PostgreSQL cluster (Debian's postgresql package) for one test class: <c>initdb</c> in a temp folder, then
/// <c>postgres -D dir -k dir -p port -c listen_addresses=127.0.0.1</c>. PostgreSQL refuses to run as root, so as root
/// both run as the unprivileged user <c>nobody</c> (runuser) on a folder chowned to it. Trust auth on loopback only.
/// </summary>
public sealed class PostgresServer : ExternalServer
{
    private readonly TempDir _folder;

    private PostgresServer(TempDir folder, string fileName, IEnumerable<string> arguments, int port)
        : base(fileName, arguments, port, startTimeout: TimeSpan.FromSeconds(60))
    {
        _folder = folder;
    }

    /// <summary>An Npgsql connection string to the <c>postgres</c> database as the superuser <c>postgres</c>.</summary>
    public string ConnectionString => $"Host=127.0.0.1;Port={Port};Username=postgres;Database=postgres;Pooling=true;Maximum Pool Size=30;Timeout=30;Command Timeout=60";

    /// <summary>The folder of the Debian PostgreSQL binaries (the newest installed major version).</summary>
    public static string BinDirectory =>
        Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").OrderByDescending(d => int.TryParse(Path.GetFileName(d), out int v) ? v : 0).Select(d => Path.Combine(d, "bin")).FirstOrDefault(Directory.Exists)
              ?? throw new InvalidOperationException("no /usr/lib/postgresql/*/bin: run eng/install-prerequisites.sh")
            : throw new InvalidOperationException("PostgreSQL is not installed: run eng/install-prerequisites.sh");

    public static PostgresServer Start()
    {
        var folder = new TempDir();
        string data = Path.Combine(folder.Path, "data");
        bool root = Environment.UserName == "root" || RunQuietly("id", "-u").Trim() == "0";
        if (root)
        {
            // The cluster folder and its parent must belong to the user postgres runs as.
            RunQuietly("chown", "-R", "nobody", folder.Path);
            RunQuietly("chmod", "755", folder.Path);
        }

        string initdb = Path.Combine(BinDirectory, "initdb");
        string output = root
            ? RunQuietly("runuser", "-u", "nobody", "--", initdb, "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C")
            : RunQuietly(initdb, "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C");
        if (!File.Exists(Path.Combine(data, "PG_VERSION")))
        {
            throw new InvalidOperationException("initdb failed:\n" + output);
        }

        int port = FreePort();
        string postgres = Path.Combine(BinDirectory, "postgres");
        string[] serverArguments = ["-D", data, "-k", data, "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-c", "listen_addresses=127.0.0.1", "-c", "max_connections=200", "-c", "fsync=off"];
        return root
            ? new PostgresServer(folder, "runuser", ["-u", "nobody", "--", postgres, .. serverArguments], port)
            : new PostgresServer(folder, postgres, serverArguments, port);
    }

    /// <inheritdoc />
    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        _folder.Dispose();
    }

    private static string RunQuietly(string fileName, params string[] arguments)
    {
        var psi = new ProcessStartInfo(fileName) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string argument in arguments)
        {
            psi.ArgumentList.Add(argument);
        }

        using Process process = Process.Start(psi)!;
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return stdout + stderr.Result;
    }
}
