using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using ModelManifest.Assets;
using ModelManifest.Cli.Output;
using Spectre.Console;

namespace ModelManifest.Cli.Commands;

/// <summary>
/// <c>push &lt;manifest|folder&gt;… --to &lt;location&gt; | --registry &lt;url&gt;</c>: uploads model versions — their
/// assets' bytes and a one-model manifest — to object storage, an OCI registry or a model registry. The bytes are
/// resolved first through the engine (the cache, then <c>--source</c>s, then the folders of the manifests themselves,
/// then the manifests' URLs), so what is pushed is always verified against the manifest's sha256. Idempotent: a target
/// skips what it already holds.
/// </summary>
internal static class PushCommand
{
    public static Command Create()
    {
        var manifests = new Argument<string[]>("manifests") { Description = $"Manifest files or folders (searched for {ManifestFiles.Pattern}).", Arity = ArgumentArity.OneOrMore };
        var to = new Option<string?>("--to") { Description = "Where to push: s3://bucket/prefix, azblob://account/container/prefix, oci://host/repository[:tag] or a registry URL." };
        var registry = new Option<string?>("--registry") { Description = "A ModelManifest registry to publish to (the same as --to <url> for a registry)." };
        var models = new Option<string[]>("--model") { Description = "Only these models (id or id@version; repeatable); all when omitted.", AllowMultipleArgumentsPerToken = true };
        var sources = new Option<string[]>("--source", "-s") { Description = "Where the bytes are, asked after the cache and before the manifests' own folders (repeatable).", AllowMultipleArgumentsPerToken = true };
        var settings = SourceSpec.CreateSettingOption("--to or --source");
        var cacheRoot = new Option<string?>("--cache") { Description = "Cache folder (default: MODELMANIFEST_CACHE, XDG_CACHE_HOME/modelmanifest or ~/.cache/modelmanifest)." };
        var token = new Option<string?>("--token-env") { Description = "Environment variable holding a bearer token for the target (and the http sources)." };
        var json = new Option<bool>("--json") { Description = "Print the result as JSON." };
        var command = new Command("push", "Upload model versions (bytes and metadata) to object storage, an OCI registry or a model registry.")
        {
            manifests, to, registry, models, sources, settings, cacheRoot, token, json,
        };
        command.SetAction(parse => CommandHost.Run(parse, host =>
        {
            var specs = SourceSpec.FromCommandLine(parse, settings, to, registry, sources);
            return Run(host, parse.GetValue(manifests) ?? [], specs[to].SingleOrDefault(), specs[registry].SingleOrDefault(),
                parse.GetValue(models) ?? [], specs[sources], parse.GetValue(cacheRoot), parse.GetValue(token), parse.GetValue(json));
        }));
        return command;
    }

    private sealed record Outcome(ModelInfo Model, ModelPushResult? Result, string? Code, string? Message);

    private static int Run(CommandHost host, string[] manifestPaths, SourceSpec? to, SourceSpec? registry, string[] wanted, IReadOnlyList<SourceSpec> sourceSpecs,
        string? cacheRoot, string? tokenVariable, bool asJson)
    {
        FetchCommand.ValidateSources(sourceSpecs); // every location and setting is checked before anything is opened
        IAssetPushTarget target = CreateTarget(to, registry, tokenVariable);
        ManifestSnapshot snapshot = FetchCommand.LoadManifests(host, manifestPaths);
        List<ModelInfo> selected = FetchCommand.Select(snapshot, wanted);

        var cache = cacheRoot is null ? AssetCache.OpenDefault() : new AssetCache(Path.GetFullPath(cacheRoot));
        var manager = new AssetManager(cache, new AssetManagerOptions());
        var disposables = new List<IDisposable>();
        try
        {
            AddSources(manager, sourceSpecs, manifestPaths, tokenVariable, disposables);
            if (snapshot.Assets.Any(a => !a.Urls.IsEmpty))
            {
                var hints = AssetSourceFactory.CreateUrlHints();
                disposables.Add(hints);
                manager.AddSource(hints, AssetSourceFactory.UrlHintPriority);
            }

            var outcomes = new List<Outcome>();
            foreach (ModelInfo model in selected)
            {
                outcomes.Add(PushOne(host, manager, target, model, [.. snapshot.GetAssets(model)]));
            }

            return Report(host, target, outcomes, asJson);
        }
        finally
        {
            disposables.ForEach(d => d.Dispose());
            (target as IDisposable)?.Dispose();
        }
    }

    private static IAssetPushTarget CreateTarget(SourceSpec? to, SourceSpec? registry, string? tokenVariable)
    {
        if ((to is null) == (registry is null))
        {
            throw new CliException(Diagnostics.InvalidOptions, "say where to push with exactly one of --to <location> or --registry <url>");
        }

        var defaults = new Dictionary<string, string>();
        if (tokenVariable is not null)
        {
            defaults[AssetSourceFactory.TokenEnvironmentVariableKey] = tokenVariable;
        }

        if (registry is not null)
        {
            defaults[AssetSourceFactory.KindKey] = "registry";
        }

        SourceSpec target = to ?? registry!;
        target.CheckSettings(to is null ? "--registry" : "--to", defaults, pushTarget: true);
        try
        {
            return AssetSourceFactory.CreatePushTarget(target.Location, target.With(defaults));
        }
        catch (AssetException e)
        {
            throw new CliException(e.Code, (to is null ? "--registry: " : "--to: ") + e.Reason);
        }
    }

    /// <summary>The <c>--source</c>s in the order given, then the folder of each manifest (the bytes often sit beside it).</summary>
    private static void AddSources(AssetManager manager, IReadOnlyList<SourceSpec> sourceSpecs, string[] manifestPaths, string? tokenVariable, List<IDisposable> disposables)
    {
        int priority = 0;
        foreach (SourceSpec spec in sourceSpecs)
        {
            IAssetSource source = FetchCommand.CreateSource(spec, tokenVariable);
            if (source is IDisposable d)
            {
                disposables.Add(d);
            }

            manager.AddSource(source, priority += 10);
        }

        var folders = ManifestFiles.Expand(manifestPaths, out _)
            .Select(f => Path.GetDirectoryName(Path.GetFullPath(f))!)
            .Distinct(StringComparer.Ordinal);
        foreach (string folder in folders)
        {
            manager.AddSource(new DirectoryAssetSource(folder), priority += 10);
        }
    }

    private static Outcome PushOne(CommandHost host, AssetManager manager, IAssetPushTarget target, ModelInfo model, List<AssetInfo> assets)
    {
        string name = $"{model.Id}@{model.Version}";
        host.Error.WriteLine($"pushing {name} ({assets.Count} asset(s), {CacheCommand.Size(assets.Sum(a => a.Size))}) to {target.Name}");
        var files = new List<ModelPushAsset>();
        foreach (AssetInfo asset in assets)
        {
            try
            {
                AssetResult result = manager.GetAsync(asset).GetAwaiter().GetResult();
                files.Add(new ModelPushAsset(asset, result.CachePath));
            }
            catch (AssetException e)
            {
                string asked = e.Attempts.Count == 0 ? string.Empty : " Sources asked: " + string.Join("; ", e.Attempts.Select(a => a.ToString()));
                return new Outcome(model, null, e.Code, $"{name}: the bytes of {asset.Key} were not found: {e.Reason}{asked}");
            }
        }

        var push = new ModelPush
        {
            ModelId = model.Id,
            Version = model.Version,
            ManifestJson = ManifestWriter.ToJson(ManifestWriter.ForModel(model, assets)),
            Assets = files,
        };
        try
        {
            ModelPushResult result = target.PushAsync(push, null, CancellationToken.None).GetAwaiter().GetResult();
            host.Error.WriteLine($"pushed {name}: {result.Uploaded.ToString(CultureInfo.InvariantCulture)} uploaded, {result.Skipped.ToString(CultureInfo.InvariantCulture)} already there → {result.Reference}");
            return new Outcome(model, result, null, null);
        }
        catch (AssetException e)
        {
            return new Outcome(model, null, e.Code, $"{name}: {e.Reason}");
        }
    }

    private static int Report(CommandHost host, IAssetPushTarget target, List<Outcome> outcomes, bool asJson)
    {
        if (asJson)
        {
            var array = new JsonArray();
            foreach (var o in outcomes)
            {
                array.Add(new JsonObject
                {
                    ["model"] = o.Model.Id,
                    ["version"] = o.Model.Version,
                    ["reference"] = o.Result?.Reference,
                    ["uploaded"] = o.Result?.Uploaded,
                    ["skipped"] = o.Result?.Skipped,
                    ["error"] = o.Code,
                    ["message"] = o.Message,
                });
            }

            host.Output.WriteLine(new JsonObject { ["formatVersion"] = Json.FormatVersion, ["target"] = target.Name, ["pushed"] = array }.ToJsonString(Json.Indented));
        }
        else
        {
            var table = new Table().AddColumns("model", "uploaded", "already there", "where");
            foreach (var o in outcomes)
            {
                table.AddRow(Markup.Escape($"{o.Model.Id}@{o.Model.Version}"),
                    o.Result?.Uploaded.ToString(CultureInfo.InvariantCulture) ?? "FAILED",
                    o.Result?.Skipped.ToString(CultureInfo.InvariantCulture) ?? "",
                    Markup.Escape(o.Result?.Reference ?? ""));
            }

            host.Console.Write(table);
        }

        foreach (var o in outcomes.Where(o => o.Code is not null))
        {
            host.WriteError(o.Code!, o.Message!);
        }

        return outcomes.Any(o => o.Code is not null) ? ExitCodes.Findings : ExitCodes.Ok;
    }
}
