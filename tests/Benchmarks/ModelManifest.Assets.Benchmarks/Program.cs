// Asset engine benchmarks. Modes (see eng/bench-assets.sh):
//   make <file> <bytes>                         write pseudo-random bytes, print sha256
//   download <cacheRoot> <url> <bytes> <sha> [no-fsync]  fetch into the cache with verification; print seconds and peak RSS
//   local <cacheRoot> <file> <bytes> <sha> <targetDir>   import, then time "is it cached", Verify and materialize
using System.Diagnostics;
using System.Globalization;
using ModelManifest;
using ModelManifest.Assets;
using ModelManifest.Testing;

var invariant = CultureInfo.InvariantCulture;
switch (args[0])
{
    case "make":
        Console.WriteLine(TestContent.WriteLarge(args[1], long.Parse(args[2], invariant), 42));
        return 0;
    case "download":
        return await DownloadAsync(args[1], new Uri(args[2]), long.Parse(args[3], invariant), args[4], durable: args.Length < 6 || args[5] != "no-fsync");
    case "local":
        return await LocalAsync(args[1], args[2], long.Parse(args[3], invariant), args[4], args[5]);
    default:
        Console.Error.WriteLine("unknown mode");
        return 2;
}

static async Task<int> DownloadAsync(string cacheRoot, Uri url, long size, string sha, bool durable)
{
    var asset = new AssetInfo { Id = "bench", FileName = "bench.bin", Size = size, Sha256 = sha, Urls = [url.AbsoluteUri] };
    using var http = new HttpAssetSource(new HttpAssetSourceOptions());
    var manager = new AssetManager(new AssetCache(cacheRoot), new AssetManagerOptions { DurableWrites = durable }).AddSource(http);
    var clock = Stopwatch.StartNew();
    var result = await manager.GetAsync(asset);
    var seconds = clock.Elapsed.TotalSeconds;
    Console.WriteLine(FormattableString.Invariant($"engine-download{(durable ? "" : "-no-fsync")}-seconds {seconds:0.000} ({size / seconds / 1e9:0.00} GB/s, source {result.SourceName})"));
    Console.WriteLine($"engine-download-peak-rss-kb {PeakRssKb()}");
    return 0;
}

static async Task<int> LocalAsync(string cacheRoot, string file, long size, string sha, string target)
{
    var directory = Path.GetDirectoryName(Path.GetFullPath(file))!;
    var asset = new AssetInfo { Id = "bench-local", FileName = Path.GetFileName(file), Size = size, Sha256 = sha };
    var cache = new AssetCache(cacheRoot);
    var manager = new AssetManager(cache).AddSource(new DirectoryAssetSource(directory, DirectoryLayout.FileName));
    var clock = Stopwatch.StartNew();
    await manager.GetAsync(asset);
    Report("import-into-cache-seconds", clock.Elapsed, size);

    // "Is it cached": the fast check (size + memo, no hashing). Average over many calls after one warm-up.
    manager.IsCached(asset);
    const int rounds = 10_000;
    clock.Restart();
    for (int i = 0; i < rounds; i++)
    {
        if (!manager.IsCached(asset))
        {
            throw new InvalidOperationException("not cached");
        }
    }

    Console.WriteLine(FormattableString.Invariant($"is-cached-microseconds {clock.Elapsed.TotalMilliseconds * 1000 / rounds:0.0}"));

    clock.Restart();
    var state = await cache.VerifyAsync(sha);
    Report("verify-seconds", clock.Elapsed, size);
    if (state != CacheBlobState.Intact)
    {
        throw new InvalidOperationException("verify failed");
    }

    foreach (var mode in new[] { LinkMode.Auto, LinkMode.Copy })
    {
        var folder = Path.Combine(target, mode.ToString());
        clock.Restart();
        var placed = await manager.MaterializeAsync(asset, folder, mode);
        Console.WriteLine(FormattableString.Invariant($"materialize-{mode.ToString().ToLowerInvariant()}-seconds {clock.Elapsed.TotalSeconds:0.0000} (used {placed.Mode})"));
    }

    return 0;
}

static void Report(string name, TimeSpan elapsed, long size) =>
    Console.WriteLine(FormattableString.Invariant($"{name} {elapsed.TotalSeconds:0.000} ({size / elapsed.TotalSeconds / 1e9:0.00} GB/s)"));

static string PeakRssKb() =>
    File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal))?.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1] ?? "?";
