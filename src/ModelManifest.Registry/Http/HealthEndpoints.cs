using ModelManifest.Registry.Blobs;
using ModelManifest.Registry.Storage;

namespace ModelManifest.Registry.Http;

/// <summary><c>/healthz</c> (the process answers) and <c>/readyz</c> (the database and the blob store answer too).</summary>
internal static class HealthEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", () => Results.Text("ok")).WithName("Health");
        app.MapGet("/readyz", ReadyAsync).WithName("Ready");
    }

    private static async Task<IResult> ReadyAsync(HttpContext context, IMetadataStore store, IBlobStore blobs, ILogger<IMetadataStore> logger)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        timeout.CancelAfter(TimeSpan.FromSeconds(5));
        try
        {
            await store.PingAsync(timeout.Token);
            await blobs.PingAsync(timeout.Token);
            return Results.Text("ready");
        }
        catch (Exception e) when (e is not OperationCanceledException || !context.RequestAborted.IsCancellationRequested)
        {
            logger.LogWarning("Not ready: {Reason}", e.Message);
            throw new RegistryException(StatusCodes.Status503ServiceUnavailable, RegistryErrors.StorageUnavailable, "the database or the blob store does not answer");
        }
    }
}
