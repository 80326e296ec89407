using System.Globalization;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;

namespace ModelManifest.Assets;

/// <summary>
/// Pushes model versions to a model registry: each blob the registry does not hold yet is uploaded (several at once;
/// large ones through the resumable upload endpoint, so an interrupted push continues where the registry's partial
/// upload ends), then the version is published with its manifest document.
/// </summary>
/// <remarks>
/// Idempotent: a blob the registry has (<c>HEAD</c> 200) is never sent again, and publishing an identical version is a
/// <c>200</c> that changes nothing. A version that exists with other digests is the registry's <c>409 MM3001</c>,
/// reported as is. Transient failures (connection errors, 408, 429, 5xx) are retried with back-off.
/// </remarks>
internal sealed class RegistryPushTarget : IAssetPushTarget, IDisposable
{
    /// <summary>Blobs at least this large are uploaded in chunks through the resumable upload endpoint.</summary>
    public const long DefaultChunkedUploadThreshold = 64L << 20;

    /// <summary>
    /// Bytes per request of a resumable upload: by default the whole rest of the blob in one <c>PATCH</c>. The registry
    /// keeps what arrived of a request that broke off, so one request is as resumable as many, and each request costs
    /// the registry a flush to disk (on loopback, 32 MiB chunks made a 256 MiB push 2.8× slower than one request). A
    /// smaller size (the <see cref="UploadChunkSizeKey"/> setting) suits proxies that limit request bodies.
    /// </summary>
    public const long DefaultChunkSize = long.MaxValue;

    /// <summary>The location setting that sets <see cref="ChunkSize"/> in bytes.</summary>
    public const string UploadChunkSizeKey = "UploadChunkSize";

    private readonly RegistryClient _client;

    /// <summary>Creates the target; the token (if any) is read from the credential's environment variable on each request.</summary>
    public RegistryPushTarget(RegistryEndpoint endpoint, HttpCredential? credential) => _client = new RegistryClient(endpoint, credential);

    /// <inheritdoc />
    public string Name => _client.Name;

    /// <summary>How many blobs are uploaded at once.</summary>
    public int MaxConcurrentUploads { get; init; } = 4;

    /// <summary>See <see cref="DefaultChunkedUploadThreshold"/>.</summary>
    public long ChunkedUploadThreshold { get; init; } = DefaultChunkedUploadThreshold;

    /// <summary>See <see cref="DefaultChunkSize"/>.</summary>
    public long ChunkSize { get; init; } = DefaultChunkSize;

    /// <summary>Retries of one request (or one chunk) after a transient failure.</summary>
    public int MaxRetries { get; init; } = 3;

    /// <summary>First back-off delay; doubles with each retry.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <inheritdoc />
    public async Task<ModelPushResult> PushAsync(ModelPush push, IProgress<AssetProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(push);
        string manifest = push.ManifestJson
            ?? throw new AssetException(AssetDiagnosticIds.InvalidAsset, $"{push.ModelId}@{push.Version}: publishing to {Name} needs the version's manifest document, and none was given");
        var blobs = push.Assets.DistinctBy(a => a.Asset.Sha256).ToList();
        foreach (var blob in blobs)
        {
            long size = new FileInfo(blob.FilePath).Length;
            if (size != blob.Asset.Size)
            {
                throw new AssetException(AssetDiagnosticIds.SizeMismatch, $"{blob.FilePath} has {size} bytes, the manifest says {blob.Asset.Size} for {blob.Asset.Key}; nothing was pushed to {Name}", blob.Asset.Key);
            }
        }

        int uploaded = 0;
        await Parallel.ForEachAsync(blobs, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, MaxConcurrentUploads), CancellationToken = cancellationToken },
            async (blob, token) =>
            {
                if (await UploadIfMissingAsync(blob, progress, token).ConfigureAwait(false))
                {
                    Interlocked.Increment(ref uploaded);
                }
            }).ConfigureAwait(false);

        Uri version = _client.Endpoint.Version(push.ModelId, push.Version);
        using (var response = await SendWithRetriesAsync(HttpMethod.Put, version, () => new StringContent(manifest, System.Text.Encoding.UTF8, "application/json"), cancellationToken).ConfigureAwait(false))
        {
            if (!response.IsSuccessStatusCode)
            {
                throw await _client.ProblemAsync(response, cancellationToken).ConfigureAwait(false); // 201 published, 200 identical
            }
        }

        return new ModelPushResult(uploaded, push.Assets.Count - uploaded, Redactor.Url(version));
    }

    /// <summary>Releases the HTTP client.</summary>
    public void Dispose() => _client.Dispose();

    /// <summary>Uploads the blob unless the registry has it; true when it was uploaded.</summary>
    private async Task<bool> UploadIfMissingAsync(ModelPushAsset blob, IProgress<AssetProgress>? progress, CancellationToken cancellationToken)
    {
        AssetInfo asset = blob.Asset;
        void Report(long done) => progress?.Report(new AssetProgress(asset.Key, Name, done, asset.Size));

        using (var head = await SendWithRetriesAsync(HttpMethod.Head, _client.Endpoint.Blob(asset.Sha256), null, cancellationToken).ConfigureAwait(false))
        {
            if (head.StatusCode == HttpStatusCode.OK)
            {
                Report(asset.Size);
                return false;
            }

            if (head.StatusCode != HttpStatusCode.NotFound)
            {
                throw await _client.ProblemAsync(head, cancellationToken).ConfigureAwait(false);
            }
        }

        if (asset.Size >= ChunkedUploadThreshold)
        {
            await UploadInChunksAsync(blob, Report, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            using var put = await SendWithRetriesAsync(HttpMethod.Put, _client.Endpoint.Blob(asset.Sha256),
                () => new FileRangeContent(blob.FilePath, 0, asset.Size, Report), cancellationToken, AskToContinue).ConfigureAwait(false);
            if (!put.IsSuccessStatusCode)
            {
                throw await _client.ProblemAsync(put, cancellationToken).ConfigureAwait(false);
            }
        }

        Report(asset.Size);
        return true;
    }

    /// <summary>
    /// The resumable upload: asks how many bytes the registry already holds, then sends the rest chunk by chunk with
    /// <c>Content-Range</c>; after a failure it asks again and continues from there. The last chunk makes the blob visible.
    /// </summary>
    private async Task UploadInChunksAsync(ModelPushAsset blob, Action<long> report, CancellationToken cancellationToken)
    {
        AssetInfo asset = blob.Asset;
        Uri upload = _client.Endpoint.Upload(asset.Sha256);
        long offset = await UploadOffsetAsync(upload, cancellationToken).ConfigureAwait(false);
        for (int failures = 0; offset < asset.Size;)
        {
            long start = offset;
            long length = Math.Min(ChunkSize, asset.Size - start);
            HttpResponseMessage response;
            try
            {
                response = await _client.SendAsync(HttpMethod.Patch, upload, () =>
                {
                    var chunk = new FileRangeContent(blob.FilePath, start, length, sent => report(start + sent));
                    chunk.Headers.ContentRange = new ContentRangeHeaderValue(start, start + length - 1, asset.Size);
                    return chunk;
                }, cancellationToken, AskToContinue).ConfigureAwait(false);
            }
            catch (AssetException e) when (e.Code == AssetDiagnosticIds.TransportError && failures < MaxRetries)
            {
                await RetryDelayAsync(++failures, cancellationToken).ConfigureAwait(false);
                offset = await UploadOffsetAsync(upload, cancellationToken).ConfigureAwait(false);
                continue;
            }

            using (response)
            {
                if (response.IsSuccessStatusCode)
                {
                    offset = response.StatusCode == HttpStatusCode.Created ? asset.Size : UploadOffset(response) ?? start + length;
                    failures = 0;
                    continue;
                }

                // A transient failure, or a chunk that did not start where the registry's partial upload ends (another
                // push of the same blob moved it on): ask where it stands and go on from there.
                if ((IsTransient(response.StatusCode) || response.StatusCode is HttpStatusCode.Conflict or HttpStatusCode.RequestedRangeNotSatisfiable)
                    && failures < MaxRetries)
                {
                    await RetryDelayAsync(++failures, cancellationToken).ConfigureAwait(false);
                    offset = await UploadOffsetAsync(upload, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                throw await _client.ProblemAsync(response, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>The bytes the registry holds of a partial upload (0 when it has none).</summary>
    private async Task<long> UploadOffsetAsync(Uri upload, CancellationToken cancellationToken)
    {
        using var response = await SendWithRetriesAsync(HttpMethod.Head, upload, null, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return 0;
        }

        if (!response.IsSuccessStatusCode)
        {
            throw await _client.ProblemAsync(response, cancellationToken).ConfigureAwait(false);
        }

        return UploadOffset(response) ?? 0;
    }

    private static long? UploadOffset(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Upload-Offset", out var values)
        && long.TryParse(values.FirstOrDefault(), NumberStyles.None, CultureInfo.InvariantCulture, out long offset) && offset >= 0
            ? offset
            : null;

    /// <summary>Sends a request, retrying connection failures and transient statuses; the last answer is returned as is.</summary>
    private async Task<HttpResponseMessage> SendWithRetriesAsync(HttpMethod method, Uri url, Func<HttpContent>? content, CancellationToken cancellationToken,
        Action<HttpRequestMessage>? configure = null)
    {
        for (int attempt = 0; ; attempt++)
        {
            HttpResponseMessage response;
            try
            {
                response = await _client.SendAsync(method, url, content, cancellationToken, configure).ConfigureAwait(false);
            }
            catch (AssetException e) when (e.Code == AssetDiagnosticIds.TransportError && attempt < MaxRetries)
            {
                await RetryDelayAsync(attempt + 1, cancellationToken).ConfigureAwait(false);
                continue;
            }

            if (!IsTransient(response.StatusCode) || attempt >= MaxRetries)
            {
                return response;
            }

            response.Dispose();
            await RetryDelayAsync(attempt + 1, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// <c>Expect: 100-continue</c> on uploads: a registry that refuses one (no token, wrong scope, blob too large) says so
    /// before the body is sent, instead of the client sending gigabytes into a connection that is being closed.
    /// </summary>
    private static void AskToContinue(HttpRequestMessage request) => request.Headers.ExpectContinue = true;

    private static bool IsTransient(HttpStatusCode status) => (int)status is 408 or 429 or >= 500;

    private Task RetryDelayAsync(int attempt, CancellationToken cancellationToken) => Task.Delay(Backoff.Delay(RetryDelay, attempt), cancellationToken);
}
