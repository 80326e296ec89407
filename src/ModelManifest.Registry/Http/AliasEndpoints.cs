using System.Text.Json.Nodes;
using ModelManifest.Registry.Auth;
using ModelManifest.Registry.Catalog;
using ModelManifest.Registry.Storage;
using ModelManifest.Registry.Telemetry;

namespace ModelManifest.Registry.Http;

/// <summary>Aliases (<c>production</c>, <c>candidate</c>, …): read with their history, moved atomically, removed.</summary>
internal static class AliasEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/models/{id}/aliases", ListAsync).RequireScope(Scopes.Read).WithName("ListAliases");
        app.MapPut("/v1/models/{id}/aliases/{alias}", MoveAsync).RequireScope(Scopes.Write).WithName("MoveAlias");
        app.MapDelete("/v1/models/{id}/aliases/{alias}", DeleteAsync).RequireScope(Scopes.Write).WithName("DeleteAlias");
    }

    private static async Task<IResult> ListAsync(string id, HttpContext context, CatalogCache catalog, IMetadataStore store)
    {
        CatalogModel model = await ModelEndpoints.FindAsync(catalog, RouteNames.ModelId(id), context.RequestAborted);
        IReadOnlyList<AliasChange> history = await store.GetAliasHistoryAsync(id, context.RequestAborted);
        var aliases = new JsonArray(model.Aliases.Values.Select(a => (JsonNode)new JsonObject
        {
            ["alias"] = a.Alias,
            ["version"] = a.Version,
            ["updatedAt"] = a.UpdatedAt,
        }).ToArray());
        var changes = new JsonArray(history.Select(h =>
        {
            var change = new JsonObject { ["alias"] = h.Alias, ["version"] = h.Version.Length == 0 ? null : h.Version };
            if (h.Version.Length == 0)
            {
                change["deleted"] = true;
            }

            if (h.PreviousVersion is not null)
            {
                change["previousVersion"] = h.PreviousVersion;
            }

            change["changedAt"] = h.ChangedAt;
            if (h.ChangedBy is not null)
            {
                change["changedBy"] = h.ChangedBy;
            }

            return (JsonNode)change;
        }).ToArray());
        return ModelEndpoints.Json(new JsonObject { ["aliases"] = aliases, ["history"] = changes });
    }

    private static async Task<IResult> MoveAsync(string id, string alias, HttpContext context, IMetadataStore store, RegistryTelemetry telemetry)
    {
        RouteNames.ModelId(id);
        RouteNames.Alias(alias);
        AliasBody body = await RequestBodies.ReadJsonAsync<AliasBody>(context.Request);
        string version = RouteNames.Version(body.Version ?? "");
        AliasChange change = await store.MoveAliasAsync(id, alias, version, Authenticator.CallerOf(context).Name, context.RequestAborted)
            ?? throw RegistryException.NotFound($"model {id} has no version {version} to point alias '{alias}' at");
        telemetry.AliasMoves.Add(1);
        var response = new JsonObject { ["alias"] = alias, ["version"] = version };
        if (change.PreviousVersion is not null)
        {
            response["previousVersion"] = change.PreviousVersion;
        }

        return ModelEndpoints.Json(response);
    }

    private static async Task<IResult> DeleteAsync(string id, string alias, HttpContext context, IMetadataStore store)
    {
        RouteNames.ModelId(id);
        RouteNames.Alias(alias);
        return await store.DeleteAliasAsync(id, alias, Authenticator.CallerOf(context).Name, context.RequestAborted)
            ? Results.NoContent()
            : throw RegistryException.NotFound($"model {id} has no alias '{alias}'");
    }

    private sealed record AliasBody(string? Version);
}
