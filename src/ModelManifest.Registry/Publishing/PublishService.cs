using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using ModelManifest.Registry.Blobs;
using ModelManifest.Registry.Http;
using ModelManifest.Registry.Storage;
using ModelManifest.Registry.Telemetry;

namespace ModelManifest.Registry.Publishing;

/// <summary>The result of a publish: what the store did and the version as stored.</summary>
internal sealed record PublishResult(PublishKind Kind, VersionRecord Version);

/// <summary>
/// Publishes one model version from a manifest document: validated with the project's reader, checked to hold exactly
/// the model and version of the URL, every asset's blob present in the blob store, then recorded immutably (a second
/// publish with the same asset digests is a no-op; with other digests it is refused, naming both).
/// </summary>
internal sealed class PublishService(IMetadataStore store, IBlobStore blobs, RegistryTelemetry telemetry, ILogger<PublishService> logger)
{
    public async Task<PublishResult> PublishAsync(string modelId, string version, byte[] body, CancellationToken cancellationToken)
    {
        using Activity? activity = RegistryTelemetry.ActivitySource.StartActivity("registry.publish");
        activity?.SetTag("modelmanifest.model.id", modelId);
        activity?.SetTag("modelmanifest.model.version", version);

        JsonObject root;
        try
        {
            root = JsonNode.Parse(body) as JsonObject ?? throw new RegistryException(StatusCodes.Status400BadRequest, RegistryErrors.BadJson, $"the manifest for {modelId}@{version} is not a JSON object");
        }
        catch (JsonException e)
        {
            throw new RegistryException(StatusCodes.Status400BadRequest, RegistryErrors.BadJson, $"the manifest for {modelId}@{version} is not JSON: {e.Message}");
        }

        ManifestDocument document = ManifestValidation.Validate(body, $"{modelId}@{version}");
        if (document.Models.Length != 1 || document.Models[0].Id != modelId || document.Models[0].Version != version)
        {
            string found = string.Join(", ", document.Models.Select(m => $"{m.Id}@{m.Version}"));
            throw new RegistryException(StatusCodes.Status422UnprocessableEntity, RegistryErrors.ManifestMismatch,
                $"PUT /v1/models/{modelId}/versions/{version} needs a manifest with exactly that model and version; it holds: {(found.Length == 0 ? "no model" : found)}");
        }

        ModelInfo model = document.Models[0];
        var referenced = model.Assets.Select(r => r.Key).ToHashSet();
        List<AssetInfo> assets = document.Assets.Where(a => referenced.Contains(a.Key)).ToList();
        var missing = new List<string>();
        foreach (AssetInfo asset in assets)
        {
            if (await blobs.GetSizeAsync(asset.Sha256, cancellationToken) != asset.Size)
            {
                missing.Add(asset.Sha256);
            }
        }

        if (missing.Count > 0)
        {
            throw new RegistryException(StatusCodes.Status409Conflict, RegistryErrors.MissingBlobs,
                $"{modelId}@{version} names blobs the registry does not have (upload them first): {string.Join(", ", missing.Distinct().Select(s => "sha256:" + s))}");
        }

        var versionDocument = new JsonObject
        {
            ["schemaVersion"] = root["schemaVersion"]?.DeepClone(),
            ["models"] = new JsonArray(root["models"]!.AsArray()[0]!.DeepClone()),
            ["assets"] = new JsonArray(root["assets"]?.AsArray()
                .Where(a => a is JsonObject o && referenced.Contains(new AssetKey(o["id"]!.GetValue<string>(), o["tag"]?.GetValue<string>())))
                .Select(a => a!.DeepClone()).ToArray() ?? []),
        };
        var record = new VersionRecord(modelId, version, Digest(assets), versionDocument.ToJsonString(), null, DateTimeOffset.UtcNow);
        PublishOutcome outcome = await store.PublishAsync(record, cancellationToken);
        telemetry.Publishes.Add(1, new KeyValuePair<string, object?>("outcome", outcome.Kind.ToString().ToLowerInvariant()));
        if (outcome.Kind == PublishKind.Conflict)
        {
            throw new RegistryException(StatusCodes.Status409Conflict, RegistryErrors.VersionConflict,
                $"{modelId}@{version} is already published and versions are immutable: {DescribeDifference(outcome.Existing.Digest, record.Digest)}; publish a new version instead");
        }

        logger.LogInformation("Published {ModelId}@{Version} ({Outcome})", modelId, version, outcome.Kind);
        return new PublishResult(outcome.Kind, outcome.Existing);
    }

    /// <summary>The assets' digests in a canonical form: <c>id[#tag]=sha256</c>, sorted, comma-separated.</summary>
    public static string Digest(IEnumerable<AssetInfo> assets) =>
        string.Join(',', assets.Select(a => $"{a.Id}{(a.Tag is null ? "" : "#" + a.Tag)}={a.Sha256}").Order(StringComparer.Ordinal));

    private static string DescribeDifference(string existing, string attempted)
    {
        var before = Parse(existing);
        var after = Parse(attempted);
        foreach (var (asset, sha) in after)
        {
            if (before.TryGetValue(asset, out string? old) && old != sha)
            {
                return $"asset {asset} has sha256:{old} there, this publish has sha256:{sha}";
            }
        }

        return $"published assets [{existing}], this publish has [{attempted}]";
    }

    private static Dictionary<string, string> Parse(string digest) =>
        digest.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);
}
