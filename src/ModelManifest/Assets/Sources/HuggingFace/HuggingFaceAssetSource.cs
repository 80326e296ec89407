using System.Collections.Concurrent;

namespace ModelManifest.Assets;

/// <summary>
/// A model repository on a Hugging Face hub (<c>hf://namespace/repo[@revision]</c>) as a source. The probe asks the hub
/// for the file's size and etag without downloading it (<c>HEAD</c>, no redirect to the CDN) and refuses a file whose
/// size or LFS sha256 differs from the manifest's; the bytes then come from the commit the probe saw (so a branch that
/// moves meanwhile cannot mix two files), over redirects followed without the token, in ranges when asked.
/// </summary>
/// <remarks>
/// The file is the asset's <c>fileName</c> at the repository root, or the path of a URL hint of this repository
/// (<c>…/{ns}/{repo}/resolve/{rev}/{path}</c>, which <c>modelmanifest import</c> writes for files in subfolders).
/// </remarks>
internal sealed class HuggingFaceAssetSource : IRangedAssetSource, IDisposable
{
    private readonly HuggingFaceHub _hub;
    private readonly ConcurrentDictionary<string, string> _commits = new(StringComparer.Ordinal);

    public HuggingFaceAssetSource(HuggingFaceRepository repository, System.Net.Http.HttpMessageHandler? handler = null)
    {
        _hub = new HuggingFaceHub(repository, handler);
        Name = repository.Printable;
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public async ValueTask<AssetAvailability> ProbeAsync(AssetInfo asset, CancellationToken cancellationToken)
    {
        var repository = _hub.Repository;
        string path = PathOf(asset);
        var (metadata, notHere) = await _hub.HeadAsync(repository.Revision, path, cancellationToken).ConfigureAwait(false);
        if (metadata is null)
        {
            return AssetAvailability.No(notHere + ".");
        }

        if (metadata.Size is { } size && size != asset.Size)
        {
            return AssetAvailability.No($"{repository.Printable} has '{path}' with {size} bytes (X-Linked-Size), the manifest says {asset.Size}; nothing was downloaded.");
        }

        if (metadata.Sha256 is { } sha256 && sha256 != asset.Sha256)
        {
            return AssetAvailability.No($"{repository.Printable} has '{path}' with sha256 {sha256} (X-Linked-Etag), the manifest says {asset.Sha256}; nothing was downloaded.");
        }

        if (metadata.Commit is { Length: > 0 } commit)
        {
            _commits[asset.Sha256] = commit;
        }

        return AssetAvailability.Yes(metadata.Size);
    }

    /// <inheritdoc />
    public async ValueTask<AssetContent> OpenReadAsync(AssetInfo asset, long offset, CancellationToken cancellationToken) =>
        await _hub.GetAsync(RevisionFor(asset), PathOf(asset), asset, offset, null, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public async ValueTask<AssetContent> OpenRangeAsync(AssetInfo asset, long offset, long length, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(length);
        return await _hub.GetAsync(RevisionFor(asset), PathOf(asset), asset, offset, length, cancellationToken).ConfigureAwait(false);
    }

    public void Dispose() => _hub.Dispose();

    /// <summary>The commit the probe saw, else the configured revision.</summary>
    private string RevisionFor(AssetInfo asset) => _commits.TryGetValue(asset.Sha256, out string? commit) ? commit : _hub.Repository.Revision;

    private string PathOf(AssetInfo asset) => asset.Urls.Select(_hub.Repository.PathFromHint).FirstOrDefault(p => p is not null) ?? asset.FileName;
}
