using System.Text.Json;
using System.Text.Json.Nodes;

namespace ModelManifest.Registry.Http;

/// <summary>
/// Turns every refusal into the problem document of REGISTRY-API.md (<c>type</c>, <c>title</c>, <c>status</c>,
/// <c>code</c>, <c>detail</c>, <c>diagnostics</c>): <see cref="RegistryException"/>s as they say, Kestrel's own
/// refusals (body too large, truncated body) as MM3012/MM3007, and anything unexpected as a 500 MM3099 with a trace id
/// but never a stack trace.
/// </summary>
internal sealed class ProblemMiddleware(RequestDelegate next, ILogger<ProblemMiddleware> logger)
{
    private const string DocsBase = "https://github.com/modelmanifest/ModelManifest.Build/blob/main/docs/diagnostics.md#";

    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context);
        }
        catch (RegistryException e)
        {
            await WriteAsync(context, e);
        }
        catch (BadHttpRequestException e) when (!context.RequestAborted.IsCancellationRequested || !context.Response.HasStarted)
        {
            var problem = e.StatusCode == StatusCodes.Status413PayloadTooLarge
                ? new RegistryException(StatusCodes.Status413PayloadTooLarge, RegistryErrors.BodyTooLarge, $"the request body of {context.Request.Method} {context.Request.Path} is larger than this endpoint accepts")
                : new RegistryException(StatusCodes.Status400BadRequest, RegistryErrors.DigestMismatch, $"the request body of {context.Request.Method} {context.Request.Path} ended early ({e.Message}): nothing stored");
            await WriteAsync(context, problem);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away: nothing to answer.
        }
        catch (Exception e) when (e is IOException && context.RequestAborted.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            logger.LogError(e, "Unhandled error in {Method} {Path} (trace {TraceId})", context.Request.Method, context.Request.Path, context.TraceIdentifier);
            await WriteAsync(context, new RegistryException(StatusCodes.Status500InternalServerError, RegistryErrors.Internal, $"internal error (trace id {context.TraceIdentifier}); the server log has the details"));
        }
    }

    public static async Task WriteAsync(HttpContext context, RegistryException problem)
    {
        if (context.Response.HasStarted)
        {
            context.Abort();
            return;
        }

        context.Response.Clear();
        context.Response.StatusCode = problem.Status;
        context.Response.ContentType = "application/problem+json";
        foreach (var (name, value) in problem.Headers)
        {
            context.Response.Headers[name] = value;
        }

        var body = new JsonObject
        {
            ["type"] = DocsBase + problem.Code.ToLowerInvariant(),
            ["title"] = Title(problem.Status),
            ["status"] = problem.Status,
            ["code"] = problem.Code,
            ["detail"] = problem.Detail,
        };
        if (problem.Diagnostics is not null)
        {
            body["diagnostics"] = problem.Diagnostics;
        }

        if (HttpMethods.IsHead(context.Request.Method))
        {
            return;
        }

        await context.Response.WriteAsync(body.ToJsonString(JsonOptions.Compact), context.RequestAborted);
    }

    private static string Title(int status) => status switch
    {
        400 => "Bad request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not found",
        409 => "Conflict",
        411 => "Length required",
        413 => "Payload too large",
        416 => "Range not satisfiable",
        422 => "Unprocessable manifest",
        429 => "Too many requests",
        503 => "Service unavailable",
        _ => "Server error",
    };
}

/// <summary>The JSON settings of every body the registry writes and reads.</summary>
internal static class JsonOptions
{
    /// <summary>Responses: camelCase; quotes and apostrophes in details stay readable (bodies are JSON, never HTML).</summary>
    public static readonly JsonSerializerOptions Compact = new(JsonSerializerDefaults.Web)
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Request bodies: camelCase, unknown fields refused (a typo is an error, not a silent default).</summary>
    public static readonly JsonSerializerOptions Strict = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow,
    };
}
