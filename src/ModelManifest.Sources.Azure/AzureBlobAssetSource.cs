using System.Collections.Concurrent;
using Azure;
using Azure.Storage.Blobs.Models;
using ModelManifest.Assets;

namespace ModelManifest.Sources.Azure;

/// <summary>
/// Assets in an Azure Blob Storage container below a prefix, found by the same layouts as a folder
/// (<see cref="DirectoryLayout"/>: by file name, <c>id/tag/fileName</c>, <c>sha256/&lt;hex&gt;</c>). Probes with one
/// <c>Get Blob Properties</c> per candidate name; a blob of another size, or whose <c>sha256</c> metadata names other
/// bytes, is not offered. Reads byte ranges (<c>x-ms-range</c>), so downloads resume and large assets are fetched over
/// several connections at once.
/// </summary>
/// <remarks>
/// "Not here" (HTTP 404: no such blob or container) is an answer, not a failure. Access denied (401/403) and an unusable
/// credential fail with <see cref="AssetDiagnosticIds.InvalidCredential"/>, naming where the credential came from but
/// never its value. The credential is resolved on first use, so a source that is never asked needs none.
/// </remarks>
internal sealed class AzureBlobAssetSource : IRangedAssetSource
{
    private readonly AzureBlobLocation _location;
    private readonly Lazy<AzureBlobAccess> _access;
    private readonly ConcurrentDictionary<string, string> _found = new(StringComparer.Ordinal);

    public AzureBlobAssetSource(AzureBlobLocation location, Func<string, string?> environment)
    {
        _location = location;
        _access = new Lazy<AzureBlobAccess>(() => AzureBlobAccess.Create(location, environment));
        Name = location.Printable;
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public async ValueTask<AssetAvailability> ProbeAsync(AssetInfo asset, CancellationToken cancellationToken)
    {
        var access = _access.Value;
        var misses = new List<string>();
        foreach (string name in _location.BlobNames(asset))
        {
            BlobProperties properties;
            try
            {
                properties = (await access.Container.GetBlobClient(name).GetPropertiesAsync(cancellationToken: cancellationToken).ConfigureAwait(false)).Value;
            }
            catch (RequestFailedException e) when (e.Status == 404)
            {
                if (e.ErrorCode == BlobErrorCode.ContainerNotFound)
                {
                    return AssetAvailability.No($"the container '{_location.Container}' does not exist.");
                }

                misses.Add(name);
                continue;
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                throw access.Fail(e, $"looking for {name}");
            }

            if (properties.ContentLength == asset.Size
                && (!properties.Metadata.TryGetValue(AzureBlobPushTarget.Sha256Metadata, out string? sha256) || sha256 == asset.Sha256))
            {
                _found[asset.Sha256] = name;
                return AssetAvailability.Yes(asset.Size);
            }

            misses.Add($"{name} (other bytes: {properties.ContentLength} bytes)");
        }

        return AssetAvailability.No($"no blob of {asset.Size} bytes at {string.Join(" or ", misses)}.");
    }

    /// <inheritdoc />
    public ValueTask<AssetContent> OpenReadAsync(AssetInfo asset, long offset, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        return DownloadAsync(asset, offset, null, cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask<AssetContent> OpenRangeAsync(AssetInfo asset, long offset, long length, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(length);
        return DownloadAsync(asset, offset, length, cancellationToken);
    }

    private async ValueTask<AssetContent> DownloadAsync(AssetInfo asset, long offset, long? length, CancellationToken cancellationToken)
    {
        if (!_found.TryGetValue(asset.Sha256, out string? name))
        {
            var availability = await ProbeAsync(asset, cancellationToken).ConfigureAwait(false);
            if (!availability.IsAvailable || !_found.TryGetValue(asset.Sha256, out name))
            {
                throw new AssetSourceException(AssetDiagnosticIds.NotInSource, availability.Reason ?? "the blob is gone.");
            }
        }

        var access = _access.Value;
        try
        {
            // The engine asks for whole remainders too (offset > 0, no length): a range to the end keeps one request.
            var range = offset == 0 && length is null ? default : new HttpRange(offset, length);
            var response = await access.Container.GetBlobClient(name)
                .DownloadStreamingAsync(new BlobDownloadOptions { Range = range }, cancellationToken).ConfigureAwait(false);
            var result = response.Value;
            long expected = length ?? asset.Size - offset;
            if (result.Details.ContentLength != expected)
            {
                result.Dispose();
                throw new AssetSourceException(AssetDiagnosticIds.SizeMismatch, $"{name} answered with {result.Details.ContentLength} bytes where {expected} were asked for (was the blob replaced?).");
            }

            return new AssetContent(result.Content, offset, length);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            _found.TryRemove(asset.Sha256, out _);
            throw new AssetSourceException(AssetDiagnosticIds.NotInSource, $"{name} is gone.");
        }
        catch (Exception e) when (e is not AssetSourceException && (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested))
        {
            throw access.Fail(e, $"reading {name}");
        }
    }
}
