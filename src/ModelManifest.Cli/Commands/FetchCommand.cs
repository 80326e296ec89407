using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using ModelManifest.Assets;
using ModelManifest.Cli.Output;
using ModelManifest.Reading;
using Spectre.Console;

namespace ModelManifest.Cli.Commands;

/// <summary>
/// <c>fetch &lt;model&gt;… --manifest &lt;file|folder&gt;… [--source &lt;folder|url&gt;…]</c>: resolves every asset of the
/// named models (latest version, or <c>id@version</c>) through the asset engine into the shared cache, with a progress
/// bar per asset, and says which source served what. Sources are asked in the order given, then the manifests' URLs.
/// </summary>
internal static class FetchCommand
{
    public static Command Create()
    {
        var models = new Argument<string[]>("models") { Description = "Model ids, or id@version; all models when omitted.", Arity = ArgumentArity.ZeroOrMore };
        var manifests = new Option<string[]>("--manifest", "-m") { Description = $"Manifest files or folders (searched for {ManifestFiles.Pattern}).", Required = true, AllowMultipleArgumentsPerToken = true };
        var sources = new Option<string[]>("--source", "-s") { Description = "Where to fetch from, in priority order (repeatable): a folder, file://, an http(s) base URL, s3://, azblob://, oci://, hf:// or registry+https:// (docs/sources.md).", AllowMultipleArgumentsPerToken = true };
        var settings = SourceSpec.CreateSettingOption("--source");
        var cacheRoot = new Option<string?>("--cache") { Description = "Cache folder (default: MODELMANIFEST_CACHE, XDG_CACHE_HOME/modelmanifest or ~/.cache/modelmanifest)." };
        var offline = new Option<bool>("--offline") { Description = "Open no connection: only the cache and folder sources (also MODELMANIFEST_OFFLINE=1 or HF_HUB_OFFLINE=1)." };
        var noLocalCaches = new Option<bool>("--no-local-caches") { Description = $"Do not look in the Hugging Face cache and Ollama's store first (also {LocalCaches.EnvironmentVariable}=0)." };
        var token = new Option<string?>("--token-env") { Description = "Environment variable holding a bearer token for the http sources." };
        var json = new Option<bool>("--json") { Description = "Print the result as JSON." };
        var concurrentAssets = new Option<int>("--max-concurrent-assets")
        {
            Description = $"How many assets are fetched at once (default {TransferOptions.DefaultMaxConcurrentAssets}; 1: one after another).",
            DefaultValueFactory = _ => TransferOptions.DefaultMaxConcurrentAssets,
        };
        var connections = new Option<int>("--max-connections")
        {
            Description = $"The most connections one large asset is fetched over (default {TransferOptions.DefaultMaxConnectionsPerAsset}; 1: no splitting).",
            DefaultValueFactory = _ => TransferOptions.DefaultMaxConnectionsPerAsset,
        };
        var command = new Command("fetch", "Fetch the assets of models into the shared cache through prioritized sources.")
        {
            models, manifests, sources, settings, cacheRoot, offline, noLocalCaches, token, json, concurrentAssets, connections,
        };
        command.SetAction(parse => CommandHost.Run(parse, host => Run(host,
            parse.GetValue(models) ?? [], parse.GetValue(manifests) ?? [], SourceSpec.FromCommandLine(parse, settings, sources)[sources],
            parse.GetValue(cacheRoot), parse.GetValue(offline), !parse.GetValue(noLocalCaches) && LocalCaches.IsEnabledByEnvironment, parse.GetValue(token), parse.GetValue(json),
            new TransferOptions
            {
                MaxConcurrentAssets = AtLeastOne(parse.GetValue(concurrentAssets), "--max-concurrent-assets"),
                MaxConnectionsPerAsset = AtLeastOne(parse.GetValue(connections), "--max-connections"),
            })));
        return command;
    }

    private static int AtLeastOne(int value, string option) => value >= 1
        ? value
        : throw new CliException(Diagnostics.InvalidOptions, $"{option} {value.ToString(CultureInfo.InvariantCulture)} is not allowed; write a whole number of at least 1");

    private static int Run(CommandHost host, string[] wanted, string[] manifestPaths, IReadOnlyList<SourceSpec> sourceSpecs, string? cacheRoot, bool offline, bool localCaches, string? tokenVariable, bool asJson, TransferOptions transfer)
    {
        ValidateSources(sourceSpecs);
        ManifestSnapshot snapshot = LoadManifests(host, manifestPaths);
        List<ModelInfo> selected = Select(snapshot, wanted);
        var assets = selected.SelectMany(m => snapshot.GetAssets(m)).DistinctBy(a => a.Sha256).ToList();

        var cache = cacheRoot is null ? AssetCache.OpenDefault() : new AssetCache(Path.GetFullPath(cacheRoot));
        var options = new AssetManagerOptions { Transfer = transfer }; // its default honours MODELMANIFEST_OFFLINE and HF_HUB_OFFLINE; --offline can only add to it
        options.Offline |= offline;
        var manager = new AssetManager(cache, options);
        LocalCaches.AddTo(manager, localCaches);
        var disposables = new List<IDisposable>();
        try
        {
            int priority = 0;
            foreach (SourceSpec spec in sourceSpecs)
            {
                IAssetSource source = CreateSource(spec, tokenVariable);
                if (source is IDisposable d)
                {
                    disposables.Add(d);
                }

                manager.AddSource(source, priority += 10);
            }

            if (assets.Any(a => !a.Urls.IsEmpty))
            {
                var hints = AssetSourceFactory.CreateUrlHints();
                disposables.Add(hints);
                manager.AddSource(hints, AssetSourceFactory.UrlHintPriority);
            }

            var results = FetchAll(host, manager, assets, transfer.MaxConcurrentAssets);
            return Report(host, results, asJson);
        }
        finally
        {
            disposables.ForEach(d => d.Dispose());
        }
    }

    /// <summary>
    /// Checked before anything is read or fetched: every <c>--source-setting</c> is one its source's kind reads, and every
    /// http(s) source is a base URL the engine accepts.
    /// </summary>
    internal static void ValidateSources(IReadOnlyList<SourceSpec> sources)
    {
        var specs = sources.Select(s => s.Location).ToList();
        foreach (SourceSpec source in sources)
        {
            source.CheckSettings("--source");
        }

        foreach (string spec in specs)
        {
            if (!spec.StartsWith("http://", StringComparison.OrdinalIgnoreCase) && !spec.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            const string Allowed = "write http(s)://host[:port]/path/ with no query string, fragment or user name";
            if (!Uri.TryCreate(spec, UriKind.Absolute, out Uri? uri))
            {
                // Never echo the text: a malformed URL may still carry a secret.
                throw new CliException(Diagnostics.InvalidOptions, $"--source #{specs.IndexOf(spec) + 1} is not a valid URL; {Allowed}");
            }

            if (uri.Query.Length > 0 || uri.Fragment.Length > 0 || uri.UserInfo.Length > 0)
            {
                throw new CliException(Diagnostics.InvalidOptions, $"--source '{uri.Scheme}://{uri.Authority}{uri.AbsolutePath}' has a query string, fragment or user name; {Allowed} (use --token-env for credentials)");
            }
        }
    }

    /// <summary>A <c>--source</c> through the runtime's one factory (the MSBuild task's sources come from there too).</summary>
    internal static IAssetSource CreateSource(SourceSpec spec, string? tokenVariable)
    {
        var defaults = new Dictionary<string, string>();
        if (tokenVariable is not null)
        {
            defaults[AssetSourceFactory.TokenEnvironmentVariableKey] = tokenVariable;
        }

        try
        {
            return AssetSourceFactory.Create(spec.Location, spec.With(defaults));
        }
        catch (AssetException e)
        {
            throw new CliException(e.Code, "--source: " + e.Reason);
        }
    }

    internal static ManifestSnapshot LoadManifests(CommandHost host, string[] paths)
    {
        var files = ManifestFiles.Expand(paths, out string? missing);
        if (missing is not null)
        {
            throw new CliException(Diagnostics.FileNotReadable, $"{missing}: file not found");
        }

        var read = ManifestReader.ReadFiles(files.Select(Path.GetFullPath));
        var errors = read.SelectMany(r => r.Diagnostics).Where(d => d.Severity == ManifestSeverity.Error).ToList();
        if (errors.Count > 0)
        {
            errors.ForEach(d => host.Error.WriteLine(d.ToString()));
            throw new CliException(Diagnostics.ManifestInvalid, $"{errors.Count} error(s) in the manifests; nothing was fetched", ExitCodes.Findings);
        }

        var merged = ManifestMerger.Merge(read.Select(r => new ManifestMergeInput(r.Document!, r.Path!)));
        var mergeErrors = merged.Diagnostics.Where(d => d.Severity == ManifestSeverity.Error).ToList();
        if (mergeErrors.Count > 0)
        {
            mergeErrors.ForEach(d => host.Error.WriteLine(d.ToString()));
            throw new CliException(Diagnostics.ManifestInvalid, "the manifests conflict; nothing was fetched", ExitCodes.Findings);
        }

        return merged.Snapshot;
    }

    internal static List<ModelInfo> Select(ManifestSnapshot snapshot, string[] wanted)
    {
        if (wanted.Length == 0)
        {
            return [.. snapshot.Models];
        }

        var selected = new List<ModelInfo>();
        foreach (string item in wanted)
        {
            int at = item.LastIndexOf('@');
            ModelInfo? model = at > 0 ? snapshot.Get(item[..at], item[(at + 1)..]) : snapshot.GetLatest(item);
            selected.Add(model ?? throw new CliException(Diagnostics.UnknownModel,
                $"model '{item}' is not in the manifests (known: {string.Join(", ", snapshot.Models.Select(m => m.Id + "@" + m.Version))})"));
        }

        return selected;
    }

    private sealed record Outcome(AssetInfo Asset, AssetResult? Result, AssetException? Error);

    /// <summary>
    /// Fetches up to <paramref name="concurrency"/> assets at once (they share the engine's per-source connection budget);
    /// the outcomes keep the order of <paramref name="assets"/>, so the result lines do not depend on timing. Plain
    /// output says on stderr when each asset starts and finishes, and every run ends with one total line there.
    /// </summary>
    private static List<Outcome> FetchAll(CommandHost host, AssetManager manager, List<AssetInfo> assets, int concurrency)
    {
        var outcomes = new Outcome[assets.Count];
        var clock = System.Diagnostics.Stopwatch.StartNew();
        async Task<Outcome> One(AssetInfo asset, IProgress<AssetProgress>? progress)
        {
            try
            {
                return new Outcome(asset, await manager.GetAsync(asset, progress).ConfigureAwait(false), null);
            }
            catch (AssetException e)
            {
                return new Outcome(asset, null, e);
            }
        }

        void RunAll(Func<int, Task<Outcome>> fetch) =>
            Parallel.ForEachAsync(Enumerable.Range(0, assets.Count), new ParallelOptions { MaxDegreeOfParallelism = concurrency },
                async (i, _) => outcomes[i] = await fetch(i).ConfigureAwait(false)).GetAwaiter().GetResult();

        if (host.Plain)
        {
            var gate = new object();
            void Line(string text)
            {
                lock (gate)
                {
                    host.Error.WriteLine(text);
                }
            }

            RunAll(async i =>
            {
                AssetInfo asset = assets[i];
                long started = System.Diagnostics.Stopwatch.GetTimestamp();
                Line($"fetching {asset.Key} ({CacheCommand.Size(asset.Size)})");
                Outcome outcome = await One(asset, null).ConfigureAwait(false);
                string seconds = Seconds(System.Diagnostics.Stopwatch.GetElapsedTime(started));
                Line(outcome.Error is null
                    ? $"fetched {asset.Key} from {outcome.Result!.SourceName ?? "cache"} in {seconds}"
                    : $"failed {asset.Key} ({outcome.Error.Code}) after {seconds}");
                return outcome;
            });
        }
        else
        {
            host.Console.Progress().AutoClear(false).Columns(
                new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new DownloadedColumn(), new TransferSpeedColumn())
                .Start(context =>
                {
                    ProgressTask[] tasks = [.. assets.Select(a => context.AddTask(Markup.Escape(a.Key.ToString()), maxValue: Math.Max(1, a.Size)))];
                    RunAll(async i =>
                    {
                        ProgressTask task = tasks[i];
                        Outcome outcome = await One(assets[i], new SynchronousProgress(p => task.Value = p.BytesDone)).ConfigureAwait(false);
                        task.Value = task.MaxValue;
                        return outcome;
                    });
                });
        }

        host.Error.WriteLine(Total(outcomes, clock.Elapsed, concurrency));
        return [.. outcomes];
    }

    /// <summary>"total: 20 assets (0 failed, 2 from the cache): 20.0 MB downloaded in 1.2 s, 16.7 MB/s, 4 at once".</summary>
    private static string Total(Outcome[] outcomes, TimeSpan elapsed, int concurrency)
    {
        long downloaded = outcomes.Where(o => o.Result is { SourceName: not null }).Sum(o => o.Asset.Size);
        double megabytes = downloaded / 1048576.0;
        return string.Format(CultureInfo.InvariantCulture, "total: {0} assets ({1} failed, {2} from the cache): {3:0.0} MB downloaded in {4}, {5:0.0} MB/s, {6} at once",
            outcomes.Length, outcomes.Count(o => o.Error is not null), outcomes.Count(o => o.Result is { SourceName: null }),
            megabytes, Seconds(elapsed), megabytes / Math.Max(0.001, elapsed.TotalSeconds), concurrency);
    }

    private static string Seconds(TimeSpan elapsed) => elapsed.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture) + " s";

    private static int Report(CommandHost host, List<Outcome> outcomes, bool asJson)
    {
        if (asJson)
        {
            var array = new JsonArray();
            foreach (var o in outcomes)
            {
                array.Add(new JsonObject
                {
                    ["asset"] = o.Asset.Key.ToString(),
                    ["sha256"] = o.Asset.Sha256,
                    ["size"] = o.Asset.Size,
                    ["source"] = o.Result is null ? null : o.Result.SourceName ?? "cache",
                    ["path"] = o.Result?.CachePath,
                    ["error"] = o.Error?.Code,
                    ["message"] = o.Error?.Message,
                });
            }

            host.Output.WriteLine(new JsonObject { ["formatVersion"] = Json.FormatVersion, ["assets"] = array }.ToJsonString(Json.Indented));
        }
        else
        {
            var table = new Table().AddColumns("asset", "size", "served by", "cache path");
            foreach (var o in outcomes)
            {
                table.AddRow(Markup.Escape(o.Asset.Key.ToString()), CacheCommand.Size(o.Asset.Size),
                    Markup.Escape(o.Result is null ? "FAILED" : o.Result.SourceName ?? "cache"), Markup.Escape(o.Result?.CachePath ?? ""));
            }

            host.Console.Write(table);
        }

        foreach (var o in outcomes.Where(o => o.Error is not null))
        {
            string sources = o.Error!.Attempts.Count == 0 ? string.Empty : " Sources asked: " + string.Join("; ", o.Error.Attempts.Select(a => a.ToString()));
            host.WriteError(o.Error.Code, $"{o.Asset.Key}: {o.Error.Reason}{sources}");
        }

        return outcomes.Any(o => o.Error is not null) ? ExitCodes.Findings : ExitCodes.Ok;
    }

    /// <summary>Reports on the caller's thread (Progress&lt;T&gt; would post to the thread pool and reorder updates).</summary>
    private sealed class SynchronousProgress(Action<AssetProgress> report) : IProgress<AssetProgress>
    {
        public void Report(AssetProgress value) => report(value);
    }
}
