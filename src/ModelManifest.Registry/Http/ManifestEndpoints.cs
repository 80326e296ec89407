using ModelManifest.Registry.Auth;
using ModelManifest.Registry.Catalog;
using Microsoft.Net.Http.Headers;

namespace ModelManifest.Registry.Http;

/// <summary>The catalog as one manifest document, with a strong ETag and 304 for a matching If-None-Match.</summary>
internal static class ManifestEndpoints
{
    public static void Map(IEndpointRouteBuilder app) =>
        app.MapGet("/v1/manifest", GetAsync).RequireScope(Scopes.Read).WithName("GetManifest");

    private static async Task<IResult> GetAsync(HttpContext context, CatalogCache catalog)
    {
        CatalogSnapshot snapshot = await catalog.GetAsync(context.RequestAborted);
        RenderedManifest manifest = catalog.GetManifest(snapshot, CatalogFilter.From(context.Request.Query), RequestBodies.BaseUrl(context.Request));
        context.Response.Headers.ETag = manifest.ETag;
        context.Response.Headers.CacheControl = "no-cache";
        if (context.Request.GetTypedHeaders().IfNoneMatch is { Count: > 0 } tags
            && tags.Any(t => t.Equals(EntityTagHeaderValue.Any) || t.Compare(EntityTagHeaderValue.Parse(manifest.ETag), useStrongComparison: false)))
        {
            return Results.StatusCode(StatusCodes.Status304NotModified);
        }

        return Results.Bytes(manifest.Utf8, "application/json");
    }
}
