using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using ModelManifest.Assets;
using ModelManifest.Cli.Output;
using Spectre.Console;

namespace ModelManifest.Cli.Commands;

/// <summary><c>cache ls|verify|prune|rm</c>: housekeeping of the shared content-addressed cache.</summary>
internal static class CacheCommand
{
    public static Command Create()
    {
        var cacheRoot = new Option<string?>("--cache") { Description = "Cache folder (default: MODELMANIFEST_CACHE, XDG_CACHE_HOME/modelmanifest or ~/.cache/modelmanifest).", Recursive = true };
        var json = new Option<bool>("--json") { Description = "Print the result as JSON.", Recursive = true };
        var command = new Command("cache", "List, verify, prune and remove cached assets.") { cacheRoot, json };

        var ls = new Command("ls", "List cached blobs with size and last use.");
        ls.SetAction(parse => CommandHost.Run(parse, host => List(host, Open(parse.GetValue(cacheRoot)), parse.GetValue(json))));

        var digests = new Argument<string[]>("sha256") { Description = "Blobs to act on (default: all).", Arity = ArgumentArity.ZeroOrMore };
        var verify = new Command("verify", "Rehash cached blobs; a blob whose bytes changed is removed (it is fetched again when needed).") { digests };
        verify.SetAction(parse => CommandHost.Run(parse, host => Verify(host, Open(parse.GetValue(cacheRoot)), parse.GetValue(digests) ?? [], parse.GetValue(json))));

        var olderThan = new Option<double?>("--older-than") { Description = $"Remove blobs not used for this many days (0 to {MaxDays})." };
        var maxSize = new Option<string?>("--max-size") { Description = "Then remove least recently used blobs until the cache is at most this size (e.g. 20G, 500M)." };
        var prune = new Command("prune", "Remove unused blobs by age and/or total size.") { olderThan, maxSize };
        prune.SetAction(parse => CommandHost.Run(parse, host => Prune(host, Open(parse.GetValue(cacheRoot)), parse.GetValue(olderThan), parse.GetValue(maxSize), parse.GetValue(json))));

        var removeDigests = new Argument<string[]>("sha256") { Description = "Blobs to remove.", Arity = ArgumentArity.OneOrMore };
        var rm = new Command("rm", "Remove cached blobs.") { removeDigests };
        rm.SetAction(parse => CommandHost.Run(parse, host =>
        {
            AssetCache cache = Open(parse.GetValue(cacheRoot));
            int missing = 0;
            foreach (string sha in parse.GetValue(removeDigests)!)
            {
                bool removed = cache.Remove(Digest(sha)); // the blob and its abandoned partial downloads
                missing += removed ? 0 : 1;
                host.Output.WriteLine($"{(removed ? "removed" : "not cached")} {sha}");
            }

            return missing == 0 ? ExitCodes.Ok : ExitCodes.Findings;
        }));

        command.Subcommands.Add(ls);
        command.Subcommands.Add(verify);
        command.Subcommands.Add(prune);
        command.Subcommands.Add(rm);
        return command;
    }

    internal static string Size(long bytes) => bytes switch
    {
        >= 1L << 30 => (bytes / (double)(1L << 30)).ToString("0.00", CultureInfo.InvariantCulture) + " GiB",
        >= 1L << 20 => (bytes / (double)(1L << 20)).ToString("0.0", CultureInfo.InvariantCulture) + " MiB",
        >= 1L << 10 => (bytes / 1024.0).ToString("0.0", CultureInfo.InvariantCulture) + " KiB",
        _ => bytes.ToString(CultureInfo.InvariantCulture) + " B",
    };

    /// <summary>A century: any longer age is a typo, and beyond ~29,000 years it no longer fits a date.</summary>
    private const int MaxDays = 36500;

    private static AssetCache Open(string? root) => root is null ? AssetCache.OpenDefault() : new AssetCache(Path.GetFullPath(root));

    private static string Digest(string sha) => sha.Length == 64 && sha.All(c => c is >= '0' and <= '9' or >= 'a' and <= 'f')
        ? sha
        : throw new CliException(Diagnostics.InvalidOptions, $"'{sha}' is not a sha256 (64 lowercase hex characters)");

    private static int List(CommandHost host, AssetCache cache, bool asJson)
    {
        var entries = cache.List().OrderByDescending(e => e.LastUsed).ToList();
        var incomplete = cache.ListIncomplete().OrderByDescending(e => e.LastUsed).ToList();
        var snapshots = cache.ListSnapshots();
        if (asJson)
        {
            static JsonArray Array(IEnumerable<CacheEntry> items) =>
                new([.. items.Select(e => (JsonNode)new JsonObject { ["sha256"] = e.Sha256, ["size"] = e.Size, ["lastUsed"] = e.LastUsed.ToString("O", CultureInfo.InvariantCulture), ["path"] = e.Path })]);
            host.Output.WriteLine(new JsonObject
            {
                ["formatVersion"] = Json.FormatVersion,
                ["root"] = cache.Root,
                ["totalBytes"] = entries.Sum(e => e.Size),
                ["entries"] = Array(entries),
                ["incompleteBytes"] = incomplete.Sum(e => e.Size),
                ["incomplete"] = Array(incomplete),
                ["snapshots"] = new JsonArray([.. snapshots.Select(s => (JsonNode)new JsonObject
                {
                    ["modelId"] = s.ModelId,
                    ["version"] = s.Version,
                    ["path"] = s.Path,
                    ["files"] = new JsonArray([.. s.Files.Select(f => (JsonNode)f)]),
                    ["brokenLinks"] = s.BrokenLinks,
                })]),
            }.ToJsonString(Json.Indented));
            return ExitCodes.Ok;
        }

        var table = new Table().AddColumns("sha256", "size", "last used");
        foreach (CacheEntry e in entries)
        {
            table.AddRow(e.Sha256, Size(e.Size), e.LastUsed.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture));
        }

        host.Console.Write(table);
        host.Output.WriteLine($"{entries.Count} blob(s), {Size(entries.Sum(e => e.Size))} in {cache.Root}");
        if (incomplete.Count > 0)
        {
            host.Output.WriteLine($"{incomplete.Count} incomplete download(s) (partial or in progress), {Size(incomplete.Sum(e => e.Size))}; 'cache prune' removes abandoned ones");
        }

        if (snapshots.Count > 0)
        {
            // Their files are links to the blobs above: no size of their own.
            host.Output.WriteLine($"{snapshots.Count} model folder(s) in {Path.Combine(cache.Root, "snapshots")}, linked to the blobs");
        }
        return ExitCodes.Ok;
    }

    private static int Verify(CommandHost host, AssetCache cache, string[] digests, bool asJson)
    {
        var targets = digests.Length > 0 ? digests.Select(Digest).ToList() : cache.List().Select(e => e.Sha256).ToList();
        var results = targets.Select(sha => (Sha: sha, State: cache.VerifyAsync(sha).GetAwaiter().GetResult())).ToList();
        if (asJson)
        {
            var blobs = new JsonArray([.. results.Select(r => (JsonNode)new JsonObject { ["sha256"] = r.Sha, ["state"] = r.State.ToString().ToLowerInvariant() })]);
            host.Output.WriteLine(new JsonObject { ["formatVersion"] = Json.FormatVersion, ["blobs"] = blobs }.ToJsonString(Json.Indented));
        }
        else
        {
            foreach (var (sha, state) in results)
            {
                host.Output.WriteLine($"{state.ToString().ToLowerInvariant(),-8} {sha}");
            }
        }

        foreach (var (sha, _) in results.Where(r => r.State == CacheBlobState.Corrupt))
        {
            host.WriteError(Diagnostics.CorruptBlob, $"{sha}: the cached bytes no longer match; removed, it will be fetched again when needed");
        }

        return results.Any(r => r.State != CacheBlobState.Intact) ? ExitCodes.Findings : ExitCodes.Ok;
    }

    private static int Prune(CommandHost host, AssetCache cache, double? olderThanDays, string? maxSize, bool asJson)
    {
        if (olderThanDays is null && maxSize is null)
        {
            throw new CliException(Diagnostics.InvalidOptions, "give --older-than <days>, --max-size <size>, or both");
        }

        if (olderThanDays is double given && !(given >= 0 && given <= MaxDays))
        {
            throw new CliException(Diagnostics.InvalidOptions, $"--older-than {given.ToString(CultureInfo.InvariantCulture)} is not allowed: give a number of days from 0 to {MaxDays}");
        }

        PruneResult result = cache.Prune(
            olderThanDays is double days ? DateTimeOffset.UtcNow - TimeSpan.FromDays(days) : null,
            maxSize is null ? null : ParseSize(maxSize));
        host.Output.WriteLine(asJson
            ? new JsonObject { ["formatVersion"] = Json.FormatVersion, ["removed"] = result.RemovedCount, ["removedBytes"] = result.RemovedBytes }.ToJsonString(Json.Indented)
            : $"removed {result.RemovedCount} blob(s), {Size(result.RemovedBytes)}");
        return ExitCodes.Ok;
    }

    private static long ParseSize(string text)
    {
        string t = text.Trim().ToUpperInvariant().TrimEnd('B').TrimEnd('I');
        long unit = t.EndsWith('K') ? 1L << 10 : t.EndsWith('M') ? 1L << 20 : t.EndsWith('G') ? 1L << 30 : t.EndsWith('T') ? 1L << 40 : 1;
        string number = unit == 1 ? t : t[..^1];

        // Plain digits with an optional decimal point: no sign, no exponent (1e400), nothing that overflows a byte count.
        return decimal.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out decimal value) && value * unit <= long.MaxValue
            ? (long)(value * unit)
            : throw new CliException(Diagnostics.InvalidOptions, $"--max-size '{text}' is not a size: give a number of bytes, optionally with K, M, G or T (e.g. 500M, 20G), at most 8 EiB");
    }
}
