using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Net.Http.Headers;
using ModelManifest.Registry.Auth;
using ModelManifest.Registry.Blobs;

namespace ModelManifest.Registry.Http;

/// <summary>
/// Blobs by sha256: GET/HEAD with ranges and ETag (or 307 to a presigned URL with the S3 store), PUT of a whole blob,
/// and resumable uploads (PATCH with Content-Range, HEAD for the offset).
/// </summary>
internal static partial class BlobEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapMethods("/v1/blobs/sha256/{hex}", [HttpMethods.Get, HttpMethods.Head], GetAsync).RequireScope(Scopes.Read).WithName("GetBlob");
        app.MapPut("/v1/blobs/sha256/{hex}", PutAsync).RequireScope(Scopes.Write).WithName("PutBlob");
        app.MapMethods("/v1/blobs/uploads/sha256/{hex}", [HttpMethods.Patch], PatchAsync).RequireScope(Scopes.Write).WithName("AppendUpload");
        app.MapMethods("/v1/blobs/uploads/sha256/{hex}", [HttpMethods.Head], UploadOffset).RequireScope(Scopes.Write).WithName("GetUploadOffset");
    }

    /// <summary>Answers a blob read: the file with ranges (folder store) or a 307 to a presigned URL (S3 store).</summary>
    public static IResult Serve(HttpContext context, string sha256, BlobLocation location)
    {
        context.Response.Headers.AcceptRanges = "bytes";
        if (location.RedirectUrl is { } redirect && HttpMethods.IsGet(context.Request.Method))
        {
            context.Response.Headers.CacheControl = "no-store";
            return Results.Redirect(redirect.AbsoluteUri, permanent: false, preserveMethod: true);
        }

        var etag = new EntityTagHeaderValue($"\"{sha256}\"");
        if (location.FilePath is { } path)
        {
            if (WholeBlobResult.Fits(context.Request))
            {
                return new WholeBlobResult(path, location.Size, etag.ToString());
            }

            return Results.File(path, "application/octet-stream", enableRangeProcessing: true, entityTag: etag);
        }

        // HEAD against the S3 store: the headers, no bytes.
        context.Response.Headers.ETag = etag.ToString();
        context.Response.ContentLength = location.Size;
        context.Response.ContentType = "application/octet-stream";
        return Results.Empty;
    }

    private static async Task<IResult> GetAsync(string hex, HttpContext context, IBlobStore store)
    {
        string sha256 = RouteNames.Sha256(hex);
        BlobLocation location = await store.LocateAsync(sha256, context.RequestAborted)
            ?? throw new RegistryException(StatusCodes.Status404NotFound, RegistryErrors.BlobNotFound, $"no blob sha256:{sha256} in this registry");
        return Serve(context, sha256, location);
    }

    private static async Task<IResult> PutAsync(string hex, HttpContext context, BlobUploads uploads, RegistryOptions options)
    {
        string sha256 = RouteNames.Sha256(hex);
        long length = context.Request.ContentLength
            ?? throw new RegistryException(StatusCodes.Status411LengthRequired, RegistryErrors.LengthRequired, $"PUT of blob sha256:{sha256} needs a Content-Length");
        AllowBody(context, options, length, sha256);
        bool stored = await uploads.PutAsync(sha256, context.Request.Body, length, context.RequestAborted);
        context.Response.Headers.Location = $"/v1/blobs/sha256/{sha256}";
        return Results.StatusCode(stored ? StatusCodes.Status201Created : StatusCodes.Status200OK);
    }

    private static async Task<IResult> PatchAsync(string hex, HttpContext context, BlobUploads uploads, RegistryOptions options, IBlobStore store)
    {
        string sha256 = RouteNames.Sha256(hex);
        string header = context.Request.Headers.ContentRange.FirstOrDefault() ?? "";
        Match range = ContentRangePattern().Match(header);
        if (!range.Success
            || !long.TryParse(range.Groups[1].Value, CultureInfo.InvariantCulture, out long start)
            || !long.TryParse(range.Groups[2].Value, CultureInfo.InvariantCulture, out long end)
            || !long.TryParse(range.Groups[3].Value, CultureInfo.InvariantCulture, out long total)
            || end < start || end >= total)
        {
            throw RegistryException.BadRequest($"PATCH of upload sha256:{sha256} needs 'Content-Range: bytes <start>-<end>/<total>' (got '{RouteNames.Shorten(header)}')");
        }

        if (await store.GetSizeAsync(sha256, context.RequestAborted) is { } size)
        {
            // Already whole in the store: nothing to append (dedup), the upload is complete.
            context.Response.Headers["Upload-Offset"] = size.ToString(CultureInfo.InvariantCulture);
            return Results.StatusCode(StatusCodes.Status200OK);
        }

        AllowBody(context, options, end - start + 1, sha256);
        (long offset, bool completed) = await uploads.AppendAsync(sha256, context.Request.Body, start, end, total, context.RequestAborted);
        context.Response.Headers["Upload-Offset"] = offset.ToString(CultureInfo.InvariantCulture);
        return Results.StatusCode(completed ? StatusCodes.Status201Created : StatusCodes.Status202Accepted);
    }

    private static IResult UploadOffset(string hex, HttpContext context, BlobUploads uploads)
    {
        string sha256 = RouteNames.Sha256(hex);
        long offset = uploads.GetOffset(sha256) ?? throw RegistryException.NotFound($"no upload of sha256:{sha256} in progress");
        context.Response.Headers["Upload-Offset"] = offset.ToString(CultureInfo.InvariantCulture);
        return Results.Ok();
    }

    /// <summary>Lifts Kestrel's JSON-sized body limit for a blob, up to the registry's blob limit.</summary>
    private static void AllowBody(HttpContext context, RegistryOptions options, long length, string sha256)
    {
        if (length > options.MaxBlobBytes)
        {
            throw new RegistryException(StatusCodes.Status413PayloadTooLarge, RegistryErrors.BodyTooLarge, $"blob sha256:{sha256} of {length} bytes is larger than the {options.MaxBlobBytes} bytes this registry accepts");
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = options.MaxBlobBytes;
        }
    }

    [GeneratedRegex(@"^bytes (\d{1,19})-(\d{1,19})/(\d{1,19})$", RegexOptions.CultureInvariant)]
    private static partial Regex ContentRangePattern();
}
