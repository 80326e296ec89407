using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

namespace ModelManifest.Sources.S3;

/// <summary>
/// Writes one object from a file or from bytes, with its sha256 in the metadata: a single PutObject up to
/// <see cref="SinglePutLimit"/>, a multipart upload above it (parts in parallel).
/// </summary>
/// <remarks>
/// <para>Never a partial object under the final key: S3 makes a PutObject visible only once all its bytes arrived, and a
/// multipart upload only when CompleteMultipartUpload succeeds; a failed one is aborted here (parts a killed process
/// leaves behind are invisible and removed by the bucket's lifecycle rule for incomplete uploads).</para>
/// <para>Payloads are signed whole (<c>UseChunkEncoding = false</c>), not with the SDK's streaming <c>aws-chunked</c>
/// encoding, which several S3-compatible stores store verbatim instead of decoding (s3rver does).</para>
/// </remarks>
internal static class S3Upload
{
    /// <summary>Objects up to this size are written with one PutObject.</summary>
    public const long SinglePutLimit = 16L << 20;

    /// <summary>The smallest part (S3 refuses parts below 5 MiB but the last); larger when 10,000 parts would not hold the file.</summary>
    private const long MinimumPartSize = 8L << 20;

    private const int MaxParts = 10_000;
    private const int ParallelParts = 4;

    public static async Task FileAsync(IAmazonS3 client, string bucket, string key, string path, long size, string sha256, string contentType, Action<long>? progress, CancellationToken cancellationToken)
    {
        if (size <= SinglePutLimit)
        {
            var put = new PutObjectRequest { BucketName = bucket, Key = key, FilePath = path, ContentType = contentType, UseChunkEncoding = false };
            put.Metadata.Add(S3Store.Sha256Metadata, sha256);
            await client.PutObjectAsync(put, cancellationToken).ConfigureAwait(false);
            progress?.Invoke(size);
            return;
        }

        var start = new InitiateMultipartUploadRequest { BucketName = bucket, Key = key, ContentType = contentType };
        start.Metadata.Add(S3Store.Sha256Metadata, sha256);
        string uploadId = (await client.InitiateMultipartUploadAsync(start, cancellationToken).ConfigureAwait(false)).UploadId;
        try
        {
            long partSize = Math.Max(MinimumPartSize, (size + MaxParts - 1) / MaxParts);
            int count = (int)((size + partSize - 1) / partSize);
            var etags = new PartETag[count];
            long done = 0;
            await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = ParallelParts, CancellationToken = cancellationToken }, async (index, token) =>
            {
                long position = index * partSize;
                long length = Math.Min(partSize, size - position);
                var part = new UploadPartRequest
                {
                    BucketName = bucket,
                    Key = key,
                    UploadId = uploadId,
                    PartNumber = index + 1,
                    FilePath = path,
                    FilePosition = position,
                    PartSize = length,
                    UseChunkEncoding = false,
                };
                var response = await client.UploadPartAsync(part, token).ConfigureAwait(false);
                etags[index] = new PartETag(index + 1, response.ETag);
                progress?.Invoke(Interlocked.Add(ref done, length));
            }).ConfigureAwait(false);

            // The object appears now, whole, or not at all.
            await client.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest { BucketName = bucket, Key = key, UploadId = uploadId, PartETags = [.. etags] }, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await AbortAsync(client, bucket, key, uploadId).ConfigureAwait(false);
            throw;
        }
    }

    public static async Task BytesAsync(IAmazonS3 client, string bucket, string key, byte[] bytes, string sha256, string contentType, CancellationToken cancellationToken)
    {
        using var body = new MemoryStream(bytes, writable: false);
        var put = new PutObjectRequest { BucketName = bucket, Key = key, InputStream = body, ContentType = contentType, UseChunkEncoding = false };
        put.Metadata.Add(S3Store.Sha256Metadata, sha256);
        await client.PutObjectAsync(put, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Best effort: the upload failed already and that failure is what the user needs to see.</summary>
    private static async Task AbortAsync(IAmazonS3 client, string bucket, string key, string uploadId)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await client.AbortMultipartUploadAsync(new AbortMultipartUploadRequest { BucketName = bucket, Key = key, UploadId = uploadId }, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is AmazonServiceException or AmazonClientException or HttpRequestException or OperationCanceledException or IOException)
        {
            // The parts stay invisible; the failure that caused the abort is what the caller reports.
        }
    }
}
