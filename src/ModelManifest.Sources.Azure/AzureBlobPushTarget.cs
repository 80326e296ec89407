using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Storage;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using ModelManifest.Assets;

namespace ModelManifest.Sources.Azure;

/// <summary>
/// <c>modelmanifest push --to azblob://account/container/prefix</c>: uploads each asset to
/// <c>&lt;prefix&gt;sha256/&lt;hex&gt;</c> (or the one layout the <c>Layout</c> setting names) and then the version's
/// one-model manifest to <c>&lt;prefix&gt;manifests/&lt;id&gt;/&lt;version&gt;.models.json</c>. Every blob carries its
/// sha256 as metadata, so a second push finds same-size, same-digest blobs and uploads nothing.
/// </summary>
/// <remarks>
/// A block blob is never visible half-written: a small file is one <c>Put Blob</c>, a large one is staged block by block
/// (invisible) and appears, or replaces the old blob, only when <c>Put Block List</c> commits it — atomically. Assets go
/// up before the manifest, so a manifest in the container means its assets are there. The container must exist.
/// </remarks>
internal sealed class AzureBlobPushTarget : IAssetPushTarget
{
    /// <summary>The blob metadata key holding the content's sha256 (lower-case hex); the source checks it too.</summary>
    public const string Sha256Metadata = "sha256";

    private readonly AzureBlobLocation _location;
    private readonly DirectoryLayout _layout;
    private readonly Lazy<AzureBlobAccess> _access;

    public AzureBlobPushTarget(AzureBlobLocation location, Func<string, string?> environment)
    {
        _location = location;
        _layout = location.Source.GetSetting(AzureBlobLocation.LayoutKey) is null ? DirectoryLayout.Sha256 : location.Layout;
        if (_layout is not (DirectoryLayout.FileName or DirectoryLayout.IdTagFileName or DirectoryLayout.Sha256))
        {
            throw location.Source.Invalid($"has {AzureBlobLocation.LayoutKey} '{location.Layout}': a push target writes one layout (FileName, IdTagFileName or Sha256)");
        }

        _access = new Lazy<AzureBlobAccess>(() => AzureBlobAccess.Create(location, environment));
        Name = location.Printable;
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <summary>The blob name of a version's manifest below the prefix.</summary>
    public static string ManifestBlobName(string prefix, string modelId, string version) => $"{prefix}manifests/{modelId}/{version}.models.json";

    /// <inheritdoc />
    public async Task<ModelPushResult> PushAsync(ModelPush push, IProgress<AssetProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(push);
        AzureBlobAccess access;
        try
        {
            access = _access.Value;
        }
        catch (AssetSourceException e)
        {
            throw new AssetException(e.Code, $"Pushing to {Name}: {e.Message}");
        }

        int uploaded = 0, skipped = 0;
        foreach (var item in push.Assets)
        {
            string name = _location.BlobNames(item.Asset, _layout).Single();
            var blob = access.Container.GetBlobClient(name);
            if (await HoldsAsync(access, blob, item.Asset.Size, item.Asset.Sha256, cancellationToken).ConfigureAwait(false))
            {
                skipped++;
                continue;
            }

            var key = item.Asset.Key;
            var options = Upload(item.Asset.Sha256, "application/octet-stream");
            options.ProgressHandler = progress is null ? null : new Progress(done => progress.Report(new AssetProgress(key, Name, done, item.Asset.Size)));
            await RunAsync(access, $"uploading {name}", () => blob.UploadAsync(item.FilePath, options, cancellationToken)).ConfigureAwait(false);
            uploaded++;
        }

        if (push.ManifestJson is not { } json)
        {
            return new ModelPushResult(uploaded, skipped, Name);
        }

        string manifestName = ManifestBlobName(_location.Prefix, push.ModelId, push.Version);
        byte[] bytes = Encoding.UTF8.GetBytes(json);
        string digest = Convert.ToHexString(SHA256.HashData(bytes)).ToLowerInvariant();
        var manifest = access.Container.GetBlobClient(manifestName);
        if (!await HoldsAsync(access, manifest, bytes.Length, digest, cancellationToken).ConfigureAwait(false))
        {
            await RunAsync(access, $"uploading {manifestName}", () => manifest.UploadAsync(BinaryData.FromBytes(bytes), Upload(digest, "application/json"), cancellationToken)).ConfigureAwait(false);
        }

        return new ModelPushResult(uploaded, skipped, $"{Name.TrimEnd('/')}/{manifestName[_location.Prefix.Length..]}");
    }

    /// <summary>Whether the blob exists with this size and sha256 metadata (then it is not uploaded again).</summary>
    private async Task<bool> HoldsAsync(AzureBlobAccess access, BlobClient blob, long size, string sha256, CancellationToken cancellationToken)
    {
        try
        {
            var properties = (await blob.GetPropertiesAsync(cancellationToken: cancellationToken).ConfigureAwait(false)).Value;
            return properties.ContentLength == size && properties.Metadata.TryGetValue(Sha256Metadata, out string? held) && held == sha256;
        }
        catch (RequestFailedException e) when (e.Status == 404 && e.ErrorCode != BlobErrorCode.ContainerNotFound)
        {
            return false;
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            throw Failed(access, e, $"checking {blob.Name}");
        }
    }

    private async Task RunAsync(AzureBlobAccess access, string doing, Func<Task> upload)
    {
        try
        {
            await upload().ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw Failed(access, e, doing);
        }
    }

    private AssetException Failed(AzureBlobAccess access, Exception e, string doing)
    {
        if (e is RequestFailedException { ErrorCode: var code } && code == BlobErrorCode.ContainerNotFound)
        {
            return _location.Source.Invalid($"names the container '{_location.Container}', which does not exist: create it first (az storage container create --name {_location.Container})");
        }

        var failure = access.Fail(e, doing);
        return new AssetException(failure.Code, $"Pushing to {Name}: {failure.Message}");
    }

    private static BlobUploadOptions Upload(string sha256, string contentType) => new()
    {
        Metadata = new Dictionary<string, string> { [Sha256Metadata] = sha256 },
        HttpHeaders = new BlobHttpHeaders { ContentType = contentType },
        // 8 MiB blocks, 4 at once: large files are staged in parallel and committed in one Put Block List.
        TransferOptions = new StorageTransferOptions { InitialTransferSize = 8 << 20, MaximumTransferSize = 8 << 20, MaximumConcurrency = 4 },
    };

    /// <summary>Reports on the uploading thread (Progress&lt;T&gt; would post to the thread pool and reorder updates).</summary>
    private sealed class Progress(Action<long> report) : IProgress<long>
    {
        public void Report(long value) => report(value);
    }
}
