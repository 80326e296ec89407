using System.Text.Json.Nodes;
using ModelManifest.Registry.Auth;
using ModelManifest.Registry.Catalog;
using ModelManifest.Registry.Publishing;
using ModelManifest.Registry.Storage;

namespace ModelManifest.Registry.Http;

/// <summary>Models and versions: list/search, one model, one version, publish, stage (REGISTRY-API.md).</summary>
internal static class ModelEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/models", ListAsync).RequireScope(Scopes.Read).WithName("ListModels");
        app.MapGet("/v1/models/{id}", GetModelAsync).RequireScope(Scopes.Read).WithName("GetModel");
        app.MapGet("/v1/models/{id}/versions/{version}", GetVersionAsync).RequireScope(Scopes.Read).WithName("GetVersion");
        app.MapPut("/v1/models/{id}/versions/{version}", PublishAsync).RequireScope(Scopes.Write).WithName("PublishVersion");
        app.MapPut("/v1/models/{id}/versions/{version}/stage", SetStageAsync).RequireScope(Scopes.Write).WithName("SetStage");
    }

    private static async Task<IResult> ListAsync(HttpContext context, CatalogCache catalog)
    {
        CatalogSnapshot snapshot = await catalog.GetAsync(context.RequestAborted);
        var filter = CatalogFilter.From(context.Request.Query);
        var models = new JsonArray(snapshot.Models.Values
            .Where(m => m.Versions.Any(v => filter.Matches(m, v)))
            .Select(m => (JsonNode)Summary(m))
            .ToArray());
        return Json(new JsonObject { ["models"] = models });
    }

    private static async Task<IResult> GetModelAsync(string id, HttpContext context, CatalogCache catalog)
    {
        CatalogModel model = await FindAsync(catalog, RouteNames.ModelId(id), context.RequestAborted);
        JsonObject summary = Summary(model);
        var stages = new JsonObject();
        foreach (CatalogVersion v in model.Versions.Where(v => v.Record.Stage is not null))
        {
            stages[v.Version] = v.Record.Stage;
        }

        summary["stages"] = stages;
        return Json(summary);
    }

    private static async Task<IResult> GetVersionAsync(string id, string version, HttpContext context, CatalogCache catalog)
    {
        CatalogModel model = await FindAsync(catalog, RouteNames.ModelId(id), context.RequestAborted);
        CatalogVersion found = model.Resolve(RouteNames.VersionOrAlias(version)) ?? throw RegistryException.NotFound($"model {id} has no version or alias '{version}'");
        return Json(VersionBody(found));
    }

    private static async Task<IResult> PublishAsync(string id, string version, HttpContext context, PublishService publisher, CatalogCache catalog)
    {
        RouteNames.ModelId(id);
        RouteNames.Version(version);
        byte[] body = await RequestBodies.ReadBytesAsync(context.Request);
        PublishResult result = await publisher.PublishAsync(id, version, body, context.RequestAborted);
        JsonObject response = VersionBody(new CatalogVersion(result.Version));
        return result.Kind == PublishKind.Created
            ? Json(response, StatusCodes.Status201Created)
            : Json(response);
    }

    private static async Task<IResult> SetStageAsync(string id, string version, HttpContext context, IMetadataStore store)
    {
        RouteNames.ModelId(id);
        RouteNames.Version(version);
        StageBody body = await RequestBodies.ReadJsonAsync<StageBody>(context.Request);
        string stage = RouteNames.Alias(body.Stage ?? "");
        if (!await store.SetStageAsync(id, version, stage, context.RequestAborted))
        {
            throw RegistryException.NotFound($"model {id} has no version {version}");
        }

        return Json(new JsonObject { ["id"] = id, ["version"] = version, ["stage"] = stage });
    }

    public static async Task<CatalogModel> FindAsync(CatalogCache catalog, string id, CancellationToken cancellationToken) =>
        (await catalog.GetAsync(cancellationToken)).Find(id) ?? throw RegistryException.NotFound($"no model '{id}' in this registry");

    public static JsonObject Summary(CatalogModel model)
    {
        CatalogVersion latest = model.Latest;
        var summary = new JsonObject { ["id"] = model.Id };
        if (latest.Description is { } description)
        {
            summary["description"] = description;
        }

        summary["tags"] = new JsonArray(latest.Tags.Select(t => (JsonNode)JsonValue.Create(t)).ToArray());
        summary["latestVersion"] = latest.Version;
        summary["versions"] = new JsonArray(model.Versions.Select(v => (JsonNode)JsonValue.Create(v.Version)).ToArray());
        var aliases = new JsonObject();
        foreach (var (name, alias) in model.Aliases)
        {
            aliases[name] = alias.Version;
        }

        summary["aliases"] = aliases;
        return summary;
    }

    public static JsonObject VersionBody(CatalogVersion version)
    {
        var body = new JsonObject { ["id"] = version.ModelId, ["version"] = version.Version };
        if (version.Record.Stage is { } stage)
        {
            body["stage"] = stage;
        }

        body["publishedAt"] = version.Record.PublishedAt;
        body["assets"] = new JsonArray(version.Assets.Select(a => a.DeepClone()).ToArray());
        body["manifest"] = version.Document.DeepClone();
        return body;
    }

    public static IResult Json(JsonNode body, int status = StatusCodes.Status200OK) => Results.Text(body.ToJsonString(JsonOptions.Compact), "application/json", statusCode: status);

    private sealed record StageBody(string? Stage);
}
