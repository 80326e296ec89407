using System.Net;
using System.Net.Http.Headers;
using static ModelManifest.Registry.Tests.RegistryApi;

namespace ModelManifest.Registry.Tests;

/// <summary>Blob reads (GET, HEAD, Range, ETag), verified uploads, dedup and resumable uploads on the folder store.</summary>
public sealed class RegistryBlobTests(RegistryFixture registry) : IClassFixture<RegistryFixture>
{
    private string BlobFile(string sha256) => Path.Combine(registry.Data.Path, "blobs", "sha256", sha256[..2], sha256);

    [Fact]
    public async Task Blob_is_served_with_head_range_and_etag()
    {
        using HttpClient admin = registry.Admin();
        byte[] bytes = Bytes(100_000, 20);
        string sha = Sha256(bytes);
        using (HttpResponseMessage put = await PutBlobAsync(admin, bytes))
        {
            Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        }

        using HttpClient anonymous = registry.Anonymous();
        using HttpResponseMessage get = await anonymous.GetAsync($"v1/blobs/sha256/{sha}");
        Assert.Equal(bytes, await get.Content.ReadAsByteArrayAsync());
        Assert.Equal($"\"{sha}\"", get.Headers.ETag!.Tag);
        Assert.Contains("bytes", get.Headers.AcceptRanges);

        using var head = new HttpRequestMessage(HttpMethod.Head, $"v1/blobs/sha256/{sha}");
        using HttpResponseMessage headResponse = await anonymous.SendAsync(head);
        Assert.Equal(HttpStatusCode.OK, headResponse.StatusCode);
        Assert.Equal(bytes.Length, headResponse.Content.Headers.ContentLength);

        using var ranged = new HttpRequestMessage(HttpMethod.Get, $"v1/blobs/sha256/{sha}");
        ranged.Headers.Range = new RangeHeaderValue(1000, 1999);
        using HttpResponseMessage partial = await anonymous.SendAsync(ranged);
        Assert.Equal(HttpStatusCode.PartialContent, partial.StatusCode);
        Assert.Equal(bytes[1000..2000], await partial.Content.ReadAsByteArrayAsync());

        await AssertProblemAsync(await anonymous.GetAsync($"v1/blobs/sha256/{new string('0', 64)}"), HttpStatusCode.NotFound, "MM3006");
    }

    [Fact]
    public async Task Digest_mismatch_is_400_and_stores_nothing()
    {
        using HttpClient admin = registry.Admin();
        byte[] bytes = Bytes(5000, 21);
        string claimed = Sha256(Bytes(5000, 22));
        await AssertProblemAsync(await PutBlobAsync(admin, bytes, claimed), HttpStatusCode.BadRequest, "MM3007");
        Assert.False(File.Exists(BlobFile(claimed)));
        Assert.False(File.Exists(BlobFile(Sha256(bytes))));
        Assert.Empty(Directory.GetFiles(Path.Combine(registry.Data.Path, "uploads"), "upload-*"));
    }

    [Fact]
    public async Task Truncated_upload_stores_nothing()
    {
        byte[] bytes = Bytes(10_000, 23);
        string sha = Sha256(bytes);
        // The client sends 4000 of 10000 declared bytes and closes: Kestrel ends the request (no answer can follow a
        // closed connection); the upload must leave neither a blob nor a temporary behind.
        string answer = await RawHttp.SendAsync(registry.Server.Port,
            $"PUT /v1/blobs/sha256/{sha} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {RegistryServer.AdminToken}\r\nContent-Length: {bytes.Length}\r\n\r\n",
            bytes[..4000], closeAfterSending: true);
        Assert.True(answer.Length == 0 || (answer.StartsWith("HTTP/1.1 400", StringComparison.Ordinal) && answer.Contains("MM3007", StringComparison.Ordinal)), answer);
        string uploads = Path.Combine(registry.Data.Path, "uploads");
        for (int i = 0; i < 100 && Directory.EnumerateFiles(uploads, "upload-*").Any(); i++)
        {
            await Task.Delay(50);
        }

        Assert.Empty(Directory.EnumerateFiles(uploads, "upload-*"));
        Assert.False(File.Exists(BlobFile(sha)));
        using HttpClient anonymous = registry.Anonymous();
        using HttpResponseMessage get = await anonymous.GetAsync($"v1/blobs/sha256/{sha}");
        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
    }

    [Fact]
    public async Task Second_upload_of_a_stored_blob_is_200_and_stored_once()
    {
        using HttpClient admin = registry.Admin();
        byte[] bytes = Bytes(3000, 24);
        using (HttpResponseMessage first = await PutBlobAsync(admin, bytes))
        {
            Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        }

        DateTime written = File.GetLastWriteTimeUtc(BlobFile(Sha256(bytes)));
        using (HttpResponseMessage second = await PutBlobAsync(admin, bytes))
        {
            Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        }

        Assert.Equal(written, File.GetLastWriteTimeUtc(BlobFile(Sha256(bytes))));
        Assert.Single(Directory.GetFiles(Path.Combine(registry.Data.Path, "blobs"), Sha256(bytes), SearchOption.AllDirectories));
    }

    [Fact]
    public async Task Resumable_upload_appends_chunks_reports_the_offset_and_completes_verified()
    {
        using HttpClient admin = registry.Admin();
        byte[] bytes = Bytes(30_000, 25);
        string sha = Sha256(bytes);
        string url = $"v1/blobs/uploads/sha256/{sha}";
        using (var none = new HttpRequestMessage(HttpMethod.Head, url))
        {
            Assert.Equal(HttpStatusCode.NotFound, (await admin.SendAsync(none)).StatusCode);
        }

        Assert.Equal(HttpStatusCode.Accepted, (await PatchAsync(admin, url, bytes, 0, 9_999)).StatusCode);
        using (var offset = new HttpRequestMessage(HttpMethod.Head, url))
        {
            using HttpResponseMessage answer = await admin.SendAsync(offset);
            Assert.Equal("10000", answer.Headers.GetValues("Upload-Offset").Single());
        }

        // A chunk that does not start at the offset is refused with the offset to resume from.
        using (HttpResponseMessage wrong = await PatchAsync(admin, url, bytes, 20_000, 29_999))
        {
            await AssertProblemAsync(wrong, HttpStatusCode.RequestedRangeNotSatisfiable, "MM3014");
            Assert.Equal("10000", wrong.Headers.GetValues("Upload-Offset").Single());
        }

        Assert.False(File.Exists(BlobFile(sha)));
        using (HttpResponseMessage notYet = await registry.Anonymous().GetAsync($"v1/blobs/sha256/{sha}"))
        {
            Assert.Equal(HttpStatusCode.NotFound, notYet.StatusCode);
        }

        Assert.Equal(HttpStatusCode.Accepted, (await PatchAsync(admin, url, bytes, 10_000, 19_999)).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await PatchAsync(admin, url, bytes, 20_000, 29_999)).StatusCode);
        Assert.Equal(bytes, await File.ReadAllBytesAsync(BlobFile(sha)));
    }

    [Fact]
    public async Task Resumable_upload_with_wrong_bytes_is_discarded()
    {
        using HttpClient admin = registry.Admin();
        byte[] bytes = Bytes(2_000, 26);
        string sha = Sha256(Bytes(2_000, 27));
        await AssertProblemAsync(await PatchAsync(admin, $"v1/blobs/uploads/sha256/{sha}", bytes, 0, 1_999), HttpStatusCode.BadRequest, "MM3007");
        Assert.False(File.Exists(BlobFile(sha)));
        Assert.False(File.Exists(Path.Combine(registry.Data.Path, "uploads", sha + ".partial")));
    }

    private static async Task<HttpResponseMessage> PatchAsync(HttpClient client, string url, byte[] bytes, int start, int end)
    {
        var content = new ByteArrayContent(bytes, start, end - start + 1);
        content.Headers.ContentRange = new ContentRangeHeaderValue(start, end, bytes.Length);
        return await client.SendAsync(new HttpRequestMessage(HttpMethod.Patch, url) { Content = content });
    }
}
