// Usage: TestClient <cacheRoot> <baseUrl> <id> <fileName> <size> <sha256>
// Prints "OK <cachePath> <source|cache>" and exits 0, or prints the error and exits 1.
using System.Globalization;
using ModelManifest;
using ModelManifest.Assets;

if (args.Length != 6)
{
    Console.Error.WriteLine("usage: TestClient <cacheRoot> <baseUrl> <id> <fileName> <size> <sha256>");
    return 2;
}

var asset = new AssetInfo
{
    Id = args[2],
    FileName = args[3],
    Size = long.Parse(args[4], CultureInfo.InvariantCulture),
    Sha256 = args[5],
};
using var http = new HttpAssetSource(new HttpAssetSourceOptions { BaseUrl = new Uri(args[1]), PathTemplate = "{fileName}", RetryDelay = TimeSpan.FromMilliseconds(50) });
var options = new AssetManagerOptions { Logger = new StandardErrorLogger() };
if (Environment.GetEnvironmentVariable("MM_TEST_PART_SIZE") is { } partSize)
{
    // Small parts, so a test can kill the process with some parts finished and some in flight.
    options.Transfer.PartSize = long.Parse(partSize, CultureInfo.InvariantCulture);
    options.Transfer.MinimumSplitSize = 2 * options.Transfer.PartSize;
}

var manager = new AssetManager(new AssetCache(args[0]), options);
manager.AddSource(http);
try
{
    Console.Out.WriteLine("STARTED");
    var result = await manager.GetAsync(asset);
    Console.Out.WriteLine($"OK {result.CachePath} {result.SourceName ?? "cache"}");
    return 0;
}
catch (AssetException e)
{
    Console.Out.WriteLine("FAILED " + e.Message);
    return 1;
}

/// <summary>The engine's messages on stderr, one line each (stdout carries the protocol the tests read).</summary>
internal sealed class StandardErrorLogger : Microsoft.Extensions.Logging.ILogger
{
    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(Microsoft.Extensions.Logging.LogLevel logLevel) => true;

    public void Log<TState>(Microsoft.Extensions.Logging.LogLevel logLevel, Microsoft.Extensions.Logging.EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        => Console.Error.WriteLine(formatter(state, exception));
}
