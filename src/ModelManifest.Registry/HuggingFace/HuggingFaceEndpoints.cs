using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using ModelManifest.Registry.Auth;
using ModelManifest.Registry.Blobs;
using ModelManifest.Registry.Catalog;
using ModelManifest.Registry.Http;

namespace ModelManifest.Registry.HuggingFace;

/// <summary>
/// Read routes shaped like the Hugging Face hub's, so <c>huggingface_hub</c> (<c>HF_ENDPOINT</c>) and
/// <c>@huggingface/hub</c> (<c>hubUrl</c>) download registered models unchanged. Repository = <c>namespace/model-id</c>,
/// revision = version, alias or the version's commit id, file = an asset's <c>fileName</c>. Headers follow the hub's
/// answers for large (LFS) files: <c>ETag</c> and <c>X-Linked-Etag</c> = the quoted sha256, <c>X-Linked-Size</c>,
/// <c>X-Repo-Commit</c> = a 40-hex commit id per version, <c>Accept-Ranges</c>; misses carry <c>X-Error-Code</c>.
/// </summary>
internal static class HuggingFaceEndpoints
{
    public static void Map(IEndpointRouteBuilder app, RegistryOptions options)
    {
        string ns = options.Namespace;
        app.MapMethods($"/{ns}/{{model}}/resolve/{{revision}}/{{**file}}", [HttpMethods.Get, HttpMethods.Head], ResolveAsync).RequireScope(Scopes.Read).WithName("HuggingFaceResolve");
        app.MapGet($"/api/models/{ns}/{{model}}", (string model, HttpContext context, CatalogCache catalog) => InfoAsync(model, null, context, catalog, options)).RequireScope(Scopes.Read).WithName("HuggingFaceModelInfo");
        app.MapGet($"/api/models/{ns}/{{model}}/revision/{{revision}}", (string model, string revision, HttpContext context, CatalogCache catalog) => InfoAsync(model, revision, context, catalog, options))
            .RequireScope(Scopes.Read).WithName("HuggingFaceModelInfoAtRevision");
        app.MapGet($"/api/models/{ns}/{{model}}/tree/{{revision}}/{{**path}}", (string model, string revision, string? path, HttpContext context, CatalogCache catalog) => TreeAsync(model, revision, path, context, catalog))
            .RequireScope(Scopes.Read).WithName("HuggingFaceTree");
    }

    /// <summary>
    /// The hub's file listing (<c>listFiles</c> of <c>@huggingface/hub</c>, <c>list_repo_tree</c> of huggingface_hub): a
    /// version's files as LFS entries. Files are flat (asset file names), so only the root has entries; no pagination.
    /// </summary>
    private static async Task<IResult> TreeAsync(string model, string revision, string? path, HttpContext context, CatalogCache catalog)
    {
        CatalogVersion version = await FindAsync(model, revision, context, catalog);
        var entries = new JsonArray();
        if (string.IsNullOrEmpty(path))
        {
            foreach (JsonObject a in version.Assets)
            {
                string sha256 = a["sha256"]!.GetValue<string>();
                long size = a["size"]!.GetValue<long>();
                entries.Add(new JsonObject
                {
                    ["type"] = "file",
                    ["oid"] = sha256[..40],
                    ["size"] = size,
                    ["path"] = a["fileName"]!.GetValue<string>(),
                    ["lfs"] = new JsonObject { ["oid"] = sha256, ["size"] = size, ["pointerSize"] = 134 },
                });
            }
        }

        return ModelEndpoints.Json(entries);
    }

    /// <summary>The commit id the hub API shows for a version: 40 hex digits derived from the model, version and asset digests.</summary>
    public static string CommitOf(CatalogVersion version) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{version.ModelId}\n{version.Version}\n{version.Record.Digest}")))[..40];

    private static async Task<IResult> ResolveAsync(string model, string revision, string file, HttpContext context, CatalogCache catalog, IBlobStore blobs)
    {
        CatalogVersion version = await FindAsync(model, revision, context, catalog);
        JsonObject? asset = version.Assets.FirstOrDefault(a => a["fileName"]?.GetValue<string>() == file);
        if (asset is null)
        {
            throw Miss("EntryNotFound", $"{model}@{version.Version} has no file '{RouteNames.Shorten(file)}'");
        }

        string sha256 = asset["sha256"]!.GetValue<string>();
        BlobLocation location = await blobs.LocateAsync(sha256, context.RequestAborted)
            ?? throw new RegistryException(StatusCodes.Status404NotFound, RegistryErrors.BlobNotFound, $"the blob of {file} (sha256:{sha256}) is missing from the blob store");
        var headers = context.Response.Headers;
        headers["X-Repo-Commit"] = CommitOf(version);
        headers["X-Linked-Etag"] = $"\"{sha256}\"";
        headers["X-Linked-Size"] = location.Size.ToString(CultureInfo.InvariantCulture);
        headers.ETag = $"\"{sha256}\"";
        return BlobEndpoints.Serve(context, sha256, location);
    }

    private static async Task<IResult> InfoAsync(string model, string? revision, HttpContext context, CatalogCache catalog, RegistryOptions options)
    {
        CatalogVersion version = await FindAsync(model, revision, context, catalog);
        string commit = CommitOf(version);
        var body = new JsonObject
        {
            ["_id"] = commit[..24],
            ["id"] = $"{options.Namespace}/{version.ModelId}",
            ["modelId"] = $"{options.Namespace}/{version.ModelId}",
            ["author"] = options.Namespace,
            ["sha"] = commit,
            ["lastModified"] = version.Record.PublishedAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture),
            ["private"] = false,
            ["disabled"] = false,
            ["gated"] = false,
            ["tags"] = new JsonArray(version.Tags.Select(t => (JsonNode)JsonValue.Create(t)).ToArray()),
            ["siblings"] = new JsonArray(version.Assets.Select(a => (JsonNode)new JsonObject
            {
                ["rfilename"] = a["fileName"]!.GetValue<string>(),
                ["size"] = a["size"]!.GetValue<long>(),
                ["blobId"] = a["sha256"]!.GetValue<string>()[..40],
                ["lfs"] = new JsonObject { ["sha256"] = a["sha256"]!.GetValue<string>(), ["size"] = a["size"]!.GetValue<long>(), ["pointerSize"] = 134 },
            }).ToArray()),
            ["cardData"] = new JsonObject { ["version"] = version.Version },
        };
        return ModelEndpoints.Json(body);
    }

    private static async Task<CatalogVersion> FindAsync(string model, string? revision, HttpContext context, CatalogCache catalog)
    {
        CatalogSnapshot snapshot = await catalog.GetAsync(context.RequestAborted);
        CatalogModel found = snapshot.Find(model) ?? throw Miss("RepoNotFound", $"no model '{RouteNames.Shorten(model)}' in this registry");
        if (revision is null or "main")
        {
            return found.Resolve("main") ?? found.Latest;
        }

        return found.Resolve(revision)
            ?? found.Versions.FirstOrDefault(v => CommitOf(v) == revision)
            ?? throw Miss("RevisionNotFound", $"model {model} has no version, alias or commit '{RouteNames.Shorten(revision)}'");
    }

    /// <summary>A 404 with the hub's <c>X-Error-Code</c>, which huggingface_hub turns into its typed errors.</summary>
    private static RegistryException Miss(string hubErrorCode, string detail)
    {
        var problem = RegistryException.NotFound(detail);
        problem.Headers["X-Error-Code"] = hubErrorCode;
        problem.Headers["X-Error-Message"] = detail;
        return problem;
    }
}
