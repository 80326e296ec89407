using System.Text.Json;

namespace ModelManifest.Registry.Http;

/// <summary>Reads request bodies inside handlers (after the scope check): JSON with unknown fields refused, bytes within the limit.</summary>
internal static class RequestBodies
{
    public static async Task<T> ReadJsonAsync<T>(HttpRequest request)
    {
        byte[] bytes = await ReadBytesAsync(request);
        try
        {
            return JsonSerializer.Deserialize<T>(bytes, JsonOptions.Strict) ?? throw RegistryException.BadRequest($"the body of {request.Method} {request.Path} is empty");
        }
        catch (JsonException e)
        {
            throw RegistryException.BadRequest($"the body of {request.Method} {request.Path} is not what the API takes: {e.Message}");
        }
    }

    /// <summary>The whole body (Kestrel's request size limit applies: beyond it, 413 MM3012).</summary>
    public static async Task<byte[]> ReadBytesAsync(HttpRequest request)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, request.HttpContext.RequestAborted);
        return buffer.ToArray();
    }

    /// <summary>The registry's public base URL as this request sees it (scheme, host, path base).</summary>
    public static string BaseUrl(HttpRequest request) => $"{request.Scheme}://{request.Host}{request.PathBase}".TrimEnd('/');
}
