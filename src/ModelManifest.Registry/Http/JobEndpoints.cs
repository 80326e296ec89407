using System.Text.Json.Nodes;
using ModelManifest.Registry.Auth;
using ModelManifest.Registry.Jobs;
using ModelManifest.Registry.Storage;

namespace ModelManifest.Registry.Http;

/// <summary>Register by URL: a job the background service runs, and its status.</summary>
internal static class JobEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapPost("/v1/register", RegisterAsync).RequireScope(Scopes.Write).WithName("RegisterByUrl");
        app.MapGet("/v1/jobs/{jobId}", GetAsync).RequireScope(Scopes.Read).WithName("GetJob");
    }

    private static async Task<IResult> RegisterAsync(HttpContext context, IMetadataStore store, RegisterJobRunner runner)
    {
        RegisterBody body = await RequestBodies.ReadJsonAsync<RegisterBody>(context.Request);
        if (!Uri.TryCreate(body.Url, UriKind.Absolute, out Uri? url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            throw RegistryException.BadRequest("register needs an absolute http(s) 'url'");
        }

        RouteNames.ModelId(body.Id ?? "");
        RouteNames.Version(body.Version ?? "");
        if (body.Sha256 is not null)
        {
            RouteNames.Sha256(body.Sha256);
        }

        string? fileName = body.FileName ?? Uri.UnescapeDataString(url.Segments[^1]);
        if (!ModelManifest.Assets.AssetValidator.IsSafeFileName(fileName))
        {
            throw RegistryException.InvalidName($"'{RouteNames.Shorten(fileName ?? "")}' is not a safe file name (no folders, no '..', no reserved names)");
        }

        if (body.Size is < 0)
        {
            throw RegistryException.BadRequest("'size' cannot be negative");
        }

        var job = new JobRecord
        {
            Id = "job_" + Guid.NewGuid().ToString("N"),
            Url = url.AbsoluteUri,
            ModelId = body.Id!,
            Version = body.Version!,
            Sha256 = body.Sha256,
            Size = body.Size,
            FileName = fileName,
            Status = JobStatus.Pending,
            CreatedAt = DateTimeOffset.UtcNow,
            UpdatedAt = DateTimeOffset.UtcNow,
        };
        await store.CreateJobAsync(job, context.RequestAborted);
        runner.Wake();
        return ModelEndpoints.Json(new JsonObject { ["jobId"] = job.Id, ["status"] = JobStatus.Pending }, StatusCodes.Status202Accepted);
    }

    private static async Task<IResult> GetAsync(string jobId, HttpContext context, IMetadataStore store)
    {
        JobRecord job = await store.GetJobAsync(jobId, context.RequestAborted) ?? throw RegistryException.NotFound($"no job '{RouteNames.Shorten(jobId)}'");
        var body = new JsonObject { ["jobId"] = job.Id, ["status"] = job.Status, ["url"] = job.Url, ["bytesDone"] = job.BytesDone };
        if (job.TotalBytes is { } total)
        {
            body["totalBytes"] = total;
            body["fraction"] = total == 0 ? 1.0 : Math.Round((double)job.BytesDone / total, 4);
        }

        body["attempts"] = job.Attempts;
        if (job.ErrorCode is not null)
        {
            body["error"] = new JsonObject { ["code"] = job.ErrorCode, ["detail"] = job.ErrorDetail };
        }

        body["model"] = new JsonObject { ["id"] = job.ModelId, ["version"] = job.Version };
        body["createdAt"] = job.CreatedAt;
        body["updatedAt"] = job.UpdatedAt;
        return ModelEndpoints.Json(body);
    }

    private sealed record RegisterBody(string? Url, string? Id, string? Version, string? Sha256, long? Size, string? FileName);
}
