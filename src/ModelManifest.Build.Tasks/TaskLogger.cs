using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
using Microsoft.Extensions.Logging;
using ILogger = Microsoft.Extensions.Logging.ILogger;

namespace ModelManifest.Build.Tasks;

/// <summary>The asset engine's <see cref="Microsoft.Extensions.Logging.ILogger"/> messages as low-importance build messages (shown at <c>-v:d</c>).</summary>
internal sealed class TaskLogger(TaskLoggingHelper log) : ILogger
{
    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        => log.LogMessage(MessageImportance.Low, formatter(state, exception));
}
