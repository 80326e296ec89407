using System.Collections;
using Microsoft.Build.Framework;

namespace ModelManifest.Build.Tasks;

/// <summary>
/// The build engine of <see cref="OutOfProcessHost"/>: errors and warnings as canonical MSBuild lines
/// (<c>file(line,col): error MM1101: message</c>), which Exec reports as the same errors and warnings; messages of
/// normal and high importance as plain lines. A message's further lines follow its first, indented.
/// </summary>
internal sealed class ConsoleBuildEngine(TextWriter output) : IBuildEngine
{
    /// <summary>The origin of a diagnostic without a file.</summary>
    private const string Origin = "ModelAssetResolve";

    public bool ContinueOnError => false;

    public int LineNumberOfTaskNode => 0;

    public int ColumnNumberOfTaskNode => 0;

    public string ProjectFileOfTaskNode => string.Empty;

    public bool BuildProjectFile(string projectFileName, string[] targetNames, IDictionary globalProperties, IDictionary targetOutputs) => false;

    public void LogCustomEvent(CustomBuildEventArgs e)
    {
    }

    public void LogErrorEvent(BuildErrorEventArgs e) => Write(Canonical(e.File, e.LineNumber, e.ColumnNumber, "error", e.Code, e.Message));

    public void LogWarningEvent(BuildWarningEventArgs e) => Write(Canonical(e.File, e.LineNumber, e.ColumnNumber, "warning", e.Code, e.Message));

    public void LogMessageEvent(BuildMessageEventArgs e)
    {
        if (e.Importance != MessageImportance.Low)
        {
            Write(e.Message ?? string.Empty);
        }
    }

    internal static string Canonical(string? file, int line, int column, string category, string? code, string? message)
    {
        string origin = string.IsNullOrEmpty(file) ? Origin : line > 0 ? $"{file}({line},{Math.Max(1, column)})" : file;
        return $"{origin}: {category} {code}: {message}";
    }

    private void Write(string text)
    {
        lock (output)
        {
            string[] lines = text.Split('\n');
            output.WriteLine(lines[0].TrimEnd('\r'));
            foreach (string line in lines.Skip(1))
            {
                output.WriteLine("    " + line.TrimEnd('\r'));
            }

            output.Flush();
        }
    }
}
