using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace ModelManifest.Build.Tasks;

/// <summary>Where a diagnostic points: a file and, when known, a 1-based line and column (0 = unknown).</summary>
internal readonly record struct BuildLocation(string? File, int Line = 0, int Column = 0, int EndLine = 0, int EndColumn = 0);

/// <summary>
/// The task's one way to report: errors and warnings carry an MM id and, when known, a location; messages an importance.
/// Wraps MSBuild's positional <see cref="TaskLoggingHelper"/> overloads so no call site passes a row of nulls.
/// Several assets resolve at once, and <see cref="TaskLoggingHelper"/> is not documented as thread-safe: one lock
/// (static, since <see cref="ResolveModelAssets"/> creates a wrapper per use) keeps every line whole and in one order.
/// </summary>
internal sealed class BuildLog(TaskLoggingHelper log)
{
    private static readonly object s_gate = new();

    public bool HasLoggedErrors => log.HasLoggedErrors;

    public void Error(string id, string message, BuildLocation at = default)
    {
        lock (s_gate)
        {
            log.LogError(null, id, null, at.File, at.Line, at.Column, at.EndLine, at.EndColumn, message);
        }
    }

    public void Warning(string id, string message, BuildLocation at = default)
    {
        lock (s_gate)
        {
            log.LogWarning(null, id, null, at.File, at.Line, at.Column, at.EndLine, at.EndColumn, message);
        }
    }

    public void Message(MessageImportance importance, string message)
    {
        lock (s_gate)
        {
            log.LogMessage(importance, message);
        }
    }
}
