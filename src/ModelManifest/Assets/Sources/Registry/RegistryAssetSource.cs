using System.Net;
using System.Net.Http;

namespace ModelManifest.Assets;

/// <summary>
/// A model registry as a source: asks it for each asset's blob by sha256 (<c>GET {base}/v1/blobs/sha256/{hex}</c>), with
/// byte ranges, after a <c>HEAD</c> that says cheaply whether the registry holds it.
/// </summary>
/// <remarks>
/// Reads go through an <see cref="HttpAssetSource"/> over the blob path: ranges, resume, retries, stall guard, and
/// redirects followed by the source itself — the token goes only to the registry, never to the presigned URL a
/// registry with an S3 blob store answers <c>307</c> with.
/// </remarks>
internal sealed class RegistryAssetSource : IRangedAssetSource, IDisposable
{
    private readonly RegistryClient _client;
    private readonly HttpAssetSource _blobs;

    /// <summary>Creates the source; the token (if any) is read from the credential's environment variable on each request.</summary>
    public RegistryAssetSource(RegistryEndpoint endpoint, HttpCredential? credential)
    {
        _client = new RegistryClient(endpoint, credential);
        Name = _client.Name;
        _blobs = new HttpAssetSource(new HttpAssetSourceOptions
        {
            BaseUrl = new Uri(endpoint.BaseUrl, "v1/blobs/"),
            PathTemplate = "sha256/{sha256}",
            UseUrlHints = false,
            Credential = credential,
            Name = Name,
        });
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <summary>
    /// <c>HEAD</c> of the blob: 200 is yes (with its size), 404 is "not in the registry", 401/403 say a token is
    /// missing or lacks the read scope; a redirect (a presigned blob store) counts as yes.
    /// </summary>
    public async ValueTask<AssetAvailability> ProbeAsync(AssetInfo asset, CancellationToken cancellationToken)
    {
        Uri url = _client.Endpoint.Blob(asset.Sha256);
        HttpResponseMessage response;
        try
        {
            response = await _client.SendAsync(HttpMethod.Head, url, null, cancellationToken).ConfigureAwait(false);
        }
        catch (AssetException e)
        {
            throw new AssetSourceException(e.Code, e.Reason, isTransient: false, e.InnerException);
        }

        using (response)
        {
            return (int)response.StatusCode switch
            {
                200 => AssetAvailability.Yes(response.Content.Headers.ContentLength),
                404 or 410 => AssetAvailability.No($"the registry has no blob sha256:{asset.Sha256}."),
                401 => AssetAvailability.No("HTTP 401: the registry needs a valid token for reads (TokenEnvironmentVariable names it)."),
                403 => AssetAvailability.No("HTTP 403: the token lacks the read scope."),
                // A redirect is a presigned blob-store URL (signed for GET only, so not probed further); a passing
                // failure is retried and reported by the download itself.
                (>= 300 and < 400) or >= 500 or 408 or 429 => AssetAvailability.Yes(),
                var status => AssetAvailability.No($"HTTP {status} at {Redactor.Url(url)}."),
            };
        }
    }

    /// <inheritdoc />
    public ValueTask<AssetContent> OpenReadAsync(AssetInfo asset, long offset, CancellationToken cancellationToken) =>
        _blobs.OpenReadAsync(asset, offset, cancellationToken);

    /// <inheritdoc />
    public ValueTask<AssetContent> OpenRangeAsync(AssetInfo asset, long offset, long length, CancellationToken cancellationToken) =>
        _blobs.OpenRangeAsync(asset, offset, length, cancellationToken);

    /// <summary>Releases the HTTP clients.</summary>
    public void Dispose()
    {
        _blobs.Dispose();
        _client.Dispose();
    }
}
