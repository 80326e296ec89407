using System.Text.Json.Nodes;
using ModelManifest.Assets;
using ModelManifest.Cli.Output;
using ModelManifest.Reading;

namespace ModelManifest.Cli.Commands;

/// <summary>
/// <c>verify &lt;model-id&gt;[@version] -m &lt;manifest&gt;</c>: fetches every asset of one model through the asset engine
/// (which checks size and sha256 and refuses a blob that does not match), then runs <see cref="VerifyCommand.Verify"/>
/// on each cached file. Manifest loading, model selection and sources are fetch's, so both commands read the same
/// manifests and ask the same sources in the same order.
/// </summary>
internal static class ModelVerification
{
    /// <summary>Settings the model form shares with <c>fetch</c>.</summary>
    internal sealed record Request(string Model, string[] Manifests, IReadOnlyList<SourceSpec> Sources, string? CacheRoot, bool Offline, TimeSpan Timeout);

    public static JsonObject Run(CommandHost host, Request request, out bool pass)
    {
        if (request.Manifests.Length == 0)
        {
            throw new CliException(Diagnostics.InvalidOptions, $"'{request.Model}' is not a file; to verify a model by id, name its manifest with --manifest/-m");
        }

        FetchCommand.ValidateSources(request.Sources);
        ManifestSnapshot snapshot = FetchCommand.LoadManifests(host, request.Manifests);
        ModelInfo model = FetchCommand.Select(snapshot, [request.Model])[0];

        var cache = request.CacheRoot is null ? AssetCache.OpenDefault() : new AssetCache(Path.GetFullPath(request.CacheRoot));
        var options = new AssetManagerOptions(); // its default honours MODELMANIFEST_OFFLINE; --offline can only add to it
        options.Offline |= request.Offline;
        var manager = new AssetManager(cache, options);
        var disposables = new List<IDisposable>();
        var assets = new JsonArray();
        pass = true;
        try
        {
            int priority = 0;
            foreach (SourceSpec spec in request.Sources)
            {
                IAssetSource source = FetchCommand.CreateSource(spec, null);
                if (source is IDisposable d)
                {
                    disposables.Add(d);
                }

                manager.AddSource(source, priority += 10);
            }

            var modelAssets = snapshot.GetAssets(model).ToList();
            if (modelAssets.Any(a => !a.Urls.IsEmpty))
            {
                var hints = AssetSourceFactory.CreateUrlHints();
                disposables.Add(hints);
                manager.AddSource(hints, AssetSourceFactory.UrlHintPriority);
            }

            foreach (AssetInfo asset in modelAssets)
            {
                var entry = new JsonObject { ["asset"] = asset.Key.ToString(), ["sha256"] = asset.Sha256, ["size"] = asset.Size };
                try
                {
                    AssetResult fetched = manager.GetAsync(asset).GetAwaiter().GetResult();
                    entry["source"] = fetched.SourceName ?? "cache";
                    entry["path"] = fetched.CachePath;
                    foreach (var (key, value) in VerifyCommand.Verify(fetched.CachePath, request.Timeout))
                    {
                        entry[key] = value?.DeepClone();
                    }
                }
                catch (AssetException e)
                {
                    string sources = e.Attempts.Count == 0 ? string.Empty : " Sources asked: " + string.Join("; ", e.Attempts.Select(a => a.ToString()));
                    entry["status"] = "fail";
                    entry["code"] = e.Code;
                    entry["problems"] = new JsonArray(JsonValue.Create(e.Reason + sources));
                }

                pass &= (string?)entry["status"] == "pass";
                assets.Add(entry);
            }
        }
        finally
        {
            disposables.ForEach(d => d.Dispose());
        }

        return new JsonObject
        {
            ["formatVersion"] = Json.FormatVersion,
            ["model"] = model.Id,
            ["version"] = model.Version,
            ["status"] = pass ? "pass" : "fail",
            ["assets"] = assets,
        };
    }
}
