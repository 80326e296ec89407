using Microsoft.Extensions.Logging;

namespace ModelManifest.Assets.Tests.Infrastructure;

/// <summary>Collects the engine's log messages as lines, so tests can assert on them (and on what they never contain).</summary>
public sealed class ListLogger(List<string> lines) : ILogger
{
    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        lock (lines)
        {
            lines.Add(formatter(state, exception));
        }
    }
}
