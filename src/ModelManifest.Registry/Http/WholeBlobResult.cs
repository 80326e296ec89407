namespace ModelManifest.Registry.Http;

/// <summary>
/// A whole blob file sent in 1 MiB writes: the common case (no Range, no conditional header) of a blob GET, where
/// Kestrel's file response copies in 64 KiB steps. Ranges and conditional requests still go through Results.File.
/// </summary>
internal sealed class WholeBlobResult(string path, long size, string etag) : IResult
{
    private const int ChunkSize = 1 << 20;

    /// <summary>Whether <paramref name="request"/> is a plain GET this result can answer.</summary>
    public static bool Fits(HttpRequest request) =>
        HttpMethods.IsGet(request.Method)
        && !request.Headers.ContainsKey("Range")
        && !request.Headers.ContainsKey("If-None-Match")
        && !request.Headers.ContainsKey("If-Range")
        && !request.Headers.ContainsKey("If-Modified-Since")
        && !request.Headers.ContainsKey("If-Match");

    public async Task ExecuteAsync(HttpContext context)
    {
        HttpResponse response = context.Response;
        response.ContentType = "application/octet-stream";
        response.ContentLength = size;
        response.Headers.ETag = etag;
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.Asynchronous | FileOptions.SequentialScan);
        await file.CopyToAsync(response.Body, ChunkSize, context.RequestAborted);
    }
}
