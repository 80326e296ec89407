using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;

namespace ModelManifest.Assets;

/// <summary>
/// Puts a blob into the repository the distribution spec's way: HEAD first (a blob already there is skipped); a
/// cross-repository mount when a <c>MountFrom</c> repository of the same registry is named (no bytes sent when it holds
/// the blob); else an upload session (POST) completed by one monolithic PUT, or — for blobs larger than the chunk size —
/// by PATCHes of one chunk each and a closing PUT. The registry verifies the digest before the blob becomes visible, so
/// nothing half-uploaded is ever served.
/// </summary>
internal sealed class OciBlobUploader(OciRegistryClient client, long chunkSize, string? mountFrom)
{
    /// <summary>The default chunk size: blobs up to this size go in one PUT.</summary>
    public const long DefaultChunkSize = 256L * 1024 * 1024;

    /// <summary>Makes the blob <paramref name="digest"/> exist in the repository.</summary>
    /// <param name="digest">The blob's digest.</param>
    /// <param name="size">The blob's size.</param>
    /// <param name="open">Opens the body for bytes <c>[offset, offset + length)</c>, reporting bytes read to the given callback.</param>
    /// <param name="sent">Receives the bytes sent so far.</param>
    /// <param name="cancellationToken">Stops the upload.</param>
    /// <returns>Whether bytes were uploaded (<see langword="false"/>: the repository had the blob, or mounted it).</returns>
    public async Task<bool> EnsureAsync(string digest, long size, Func<long, long, Action<long>, Stream> open, Action<long>? sent, CancellationToken cancellationToken)
    {
        if (await client.HeadBlobAsync(digest, cancellationToken).ConfigureAwait(false) is not null)
        {
            return false;
        }

        string start = mountFrom is null
            ? "blobs/uploads/"
            : $"blobs/uploads/?mount={Uri.EscapeDataString(digest)}&from={Uri.EscapeDataString(mountFrom)}";
        Uri location;
        using (var opened = await client.SendAsync(HttpMethod.Post, client.Url(start), null, null, cancellationToken).ConfigureAwait(false))
        {
            if (opened.StatusCode == HttpStatusCode.Created && mountFrom is not null)
            {
                return false; // mounted from the other repository: no bytes sent
            }

            location = await SessionAsync(opened, digest, cancellationToken).ConfigureAwait(false);
        }

        long done = 0;
        void Read(long n)
        {
            done += n;
            sent?.Invoke(done);
        }

        if (size <= chunkSize)
        {
            await FinishAsync(location, digest, () => Body(open(0, size, Read), 0, size, chunked: false), cancellationToken).ConfigureAwait(false);
            return true;
        }

        for (long offset = 0; offset < size; offset += chunkSize)
        {
            long length = Math.Min(chunkSize, size - offset);
            long at = offset;
            using var response = await client.SendAsync(HttpMethod.Patch, location, null, () => Body(open(at, length, Read), at, length, chunked: true), cancellationToken).ConfigureAwait(false);
            location = await SessionAsync(response, digest, cancellationToken).ConfigureAwait(false);
        }

        await FinishAsync(location, digest, () => new ByteArrayContent([]), cancellationToken).ConfigureAwait(false);
        return true;
    }

    private async Task FinishAsync(Uri location, string digest, Func<HttpContent> body, CancellationToken cancellationToken)
    {
        var url = new UriBuilder(location);
        string digestParameter = "digest=" + Uri.EscapeDataString(digest);
        url.Query = url.Query.Length > 1 ? url.Query[1..] + "&" + digestParameter : digestParameter;
        using var response = await client.SendAsync(HttpMethod.Put, url.Uri, null, body, cancellationToken).ConfigureAwait(false);
        await client.EnsureSuccessAsync(response, $"the upload of blob {digest}", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The upload session's next URL from a 202 (relative locations resolve against the registry).</summary>
    private async Task<Uri> SessionAsync(HttpResponseMessage response, string digest, CancellationToken cancellationToken)
    {
        await client.EnsureSuccessAsync(response, $"the upload of blob {digest}", cancellationToken).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.Accepted || response.Headers.Location is not { } location)
        {
            throw client.Failure(AssetDiagnosticIds.TransportError, $"answered the upload of blob {digest} with HTTP {(int)response.StatusCode} and no upload location.");
        }

        return location.IsAbsoluteUri ? location : new Uri(client.Reference.RegistryUrl, location);
    }

    private static StreamContent Body(Stream stream, long offset, long length, bool chunked)
    {
        var content = new StreamContent(stream, 1 << 20);
        content.Headers.ContentLength = length;
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        if (chunked)
        {
            // The distribution spec's chunk range: "start-end", inclusive, without a unit.
            content.Headers.TryAddWithoutValidation("Content-Range", $"{offset}-{offset + length - 1}");
        }

        return content;
    }
}
