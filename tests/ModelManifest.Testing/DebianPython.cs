using System.Diagnostics;

namespace ModelManifest.Testing;

/// <summary>
/// Runs Debian's interpreter (/usr/bin/python3, with python3-torch from eng/install-prerequisites.sh) to produce
/// files no one here wrote, such as real <c>torch.save</c> checkpoints.
/// </summary>
public static class DebianPython
{
    /// <summary>The interpreter.</summary>
    public const string Interpreter = "/usr/bin/python3";

    /// <summary>Runs the interpreter with <paramref name="args"/>; returns stdout, or throws with stderr when it fails.</summary>
    public static string Run(params string[] args)
    {
        var psi = new ProcessStartInfo(Interpreter) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using Process p = Process.Start(psi)!;
        Task<string> stderr = p.StandardError.ReadToEndAsync();
        string stdout = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return p.ExitCode == 0
            ? stdout
            : throw new InvalidOperationException($"{Interpreter} {string.Join(' ', args.Take(1))} failed with exit {p.ExitCode} (is python3-torch installed? run eng/install-prerequisites.sh): {stderr.Result}");
    }
}
