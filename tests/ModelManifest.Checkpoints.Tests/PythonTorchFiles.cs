using ModelManifest.Testing;

namespace ModelManifest.Checkpoints.Tests;

/// <summary>
/// Runs the scripts in Python/ with Debian's interpreter (/usr/bin/python3, python3-torch installed by
/// eng/install-prerequisites.sh) to produce checkpoints no one here wrote, once per test class.
/// </summary>
public sealed class PythonTorchFiles : IDisposable
{
    public PythonTorchFiles()
    {
        Directory = Path.Combine(Path.GetTempPath(), "mm-torch-" + Guid.NewGuid().ToString("N"));
        MaliciousDirectory = Path.Combine(Directory, "malicious");
        System.IO.Directory.CreateDirectory(MaliciousDirectory);
        Marker = Path.Combine(Directory, "payload-ran.marker");
        TorchVersion = Run("make_torch_checkpoints.py", Directory).Trim();
        Run("make_malicious.py", MaliciousDirectory, Marker);
    }

    public string Directory { get; }

    public string MaliciousDirectory { get; }

    /// <summary>The file every malicious payload would create.</summary>
    public string Marker { get; }

    public string TorchVersion { get; }

    public string File(string name) => Path.Combine(Directory, name);

    public static string Run(string script, params string[] args) =>
        DebianPython.Run([Path.Combine(AppContext.BaseDirectory, "Python", script), .. args]);

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
