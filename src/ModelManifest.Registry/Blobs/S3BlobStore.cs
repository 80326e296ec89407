using System.Net;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

namespace ModelManifest.Registry.Blobs;

/// <summary>
/// Blobs in an S3-compatible bucket (<c>s3://bucket/prefix</c>) under <c>prefix/sha256/ab/&lt;hex&gt;</c>. Reads answer
/// with a presigned URL so the bytes flow from the store, not through the registry. Endpoint and credentials come
/// from the standard AWS variables (<c>AWS_ENDPOINT_URL_S3</c>/<c>AWS_ENDPOINT_URL</c>, <c>AWS_ACCESS_KEY_ID</c>,
/// <c>AWS_SECRET_ACCESS_KEY</c>, <c>AWS_REGION</c>).
/// </summary>
internal sealed class S3BlobStore : IBlobStore, IDisposable
{
    /// <summary>How long a presigned read URL is valid.</summary>
    public static readonly TimeSpan PresignedLifetime = TimeSpan.FromMinutes(15);

    private readonly AmazonS3Client _client;
    private readonly string _bucket;
    private readonly string _prefix;
    private readonly Protocol _protocol;

    public S3BlobStore(Uri location)
    {
        _bucket = location.Host;
        _prefix = location.AbsolutePath.Trim('/') is { Length: > 0 } p ? p + "/" : "";
        var config = new AmazonS3Config
        {
            // Only what the S3 API requires: s3-compatible stores do not all speak the newer checksum trailers.
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        };
        string? region = Environment.GetEnvironmentVariable("AWS_REGION") ?? Environment.GetEnvironmentVariable("AWS_DEFAULT_REGION");
        string? endpoint = Environment.GetEnvironmentVariable("AWS_ENDPOINT_URL_S3") ?? Environment.GetEnvironmentVariable("AWS_ENDPOINT_URL");
        if (!string.IsNullOrEmpty(endpoint))
        {
            var url = new Uri(endpoint);
            config.ServiceURL = endpoint;
            config.AuthenticationRegion = region ?? "us-east-1";
            // Virtual-host addressing needs DNS names per bucket: an IP or localhost endpoint cannot have them.
            config.ForcePathStyle = url.IsLoopback || IPAddress.TryParse(url.Host, out _);
            _protocol = url.Scheme == Uri.UriSchemeHttp ? Protocol.HTTP : Protocol.HTTPS;
        }
        else
        {
            config.RegionEndpoint = Amazon.RegionEndpoint.GetBySystemName(region ?? "us-east-1");
            _protocol = Protocol.HTTPS;
        }

        _client = new AmazonS3Client(config);
    }

    public string Description => $"s3://{_bucket}/{_prefix}";

    public void Dispose() => _client.Dispose();

    public async Task<long?> GetSizeAsync(string sha256, CancellationToken cancellationToken)
    {
        try
        {
            GetObjectMetadataResponse head = await _client.GetObjectMetadataAsync(_bucket, KeyOf(sha256), cancellationToken);
            return head.ContentLength;
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    public async Task<BlobLocation?> LocateAsync(string sha256, CancellationToken cancellationToken)
    {
        if (await GetSizeAsync(sha256, cancellationToken) is not { } size)
        {
            return null;
        }

        string url = await _client.GetPreSignedURLAsync(new GetPreSignedUrlRequest
        {
            BucketName = _bucket,
            Key = KeyOf(sha256),
            Verb = HttpVerb.GET,
            Protocol = _protocol,
            Expires = DateTime.UtcNow.Add(PresignedLifetime),
        });
        return new BlobLocation(size, null, new Uri(url));
    }

    public async Task CommitAsync(string sha256, string verifiedFile, long size, CancellationToken cancellationToken)
    {
        if (await GetSizeAsync(sha256, cancellationToken) == size)
        {
            return;
        }

        await _client.PutObjectAsync(new PutObjectRequest
        {
            BucketName = _bucket,
            Key = KeyOf(sha256),
            FilePath = verifiedFile,
            ContentType = "application/octet-stream",
            UseChunkEncoding = false,
        }, cancellationToken);
    }

    public async Task PingAsync(CancellationToken cancellationToken) =>
        await _client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = _bucket, Prefix = _prefix, MaxKeys = 1 }, cancellationToken);

    private string KeyOf(string sha256) => $"{_prefix}sha256/{sha256[..2]}/{sha256}";
}
