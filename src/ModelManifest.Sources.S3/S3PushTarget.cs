using System.Security.Cryptography;
using System.Text;
using ModelManifest.Assets;

namespace ModelManifest.Sources.S3;

/// <summary>
/// <c>modelmanifest push --to s3://bucket/prefix</c>: each asset goes to <c>&lt;prefix&gt;/sha256/&lt;hex&gt;</c> (content
/// addressed, so two models sharing a file share one object and a push never overwrites different bytes), with its sha256
/// in the object metadata <c>x-amz-meta-sha256</c>; the version's one-model manifest goes to
/// <c>&lt;prefix&gt;/models/&lt;id&gt;/&lt;version&gt;.models.json</c>, so a bucket doubles as a manifest store. The
/// <see cref="S3AssetSource"/> of the same location reads the assets back (its last layout).
/// </summary>
/// <remarks>
/// An object that already has the asset's size and sha256 metadata is skipped, so a second push uploads nothing. Nothing
/// partial is ever visible: a PutObject appears whole or not at all, and a multipart upload only becomes an object when
/// CompleteMultipartUpload succeeds (see <see cref="S3Upload"/>).
/// </remarks>
internal sealed class S3PushTarget : IAssetPushTarget, IDisposable
{
    private readonly S3Store _store;

    public S3PushTarget(S3Store store)
    {
        _store = store;
    }

    public string Name => _store.Settings.Name;

    /// <summary>Where an asset is pushed, below the prefix.</summary>
    public static string AssetKey(string sha256) => "sha256/" + sha256;

    /// <summary>Where a model version's manifest is pushed, below the prefix.</summary>
    public static string ManifestKey(string modelId, string version) => $"models/{modelId}/{version}.models.json";

    public async Task<ModelPushResult> PushAsync(ModelPush push, IProgress<AssetProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(push);
        if (!IsKeySegment(push.ModelId) || !IsKeySegment(push.Version))
        {
            throw new AssetException(AssetDiagnosticIds.InvalidAsset, $"Model '{push.ModelId}' version '{push.Version}' cannot be pushed to {Name}: the id and version must be single key segments.");
        }

        int uploaded = 0;
        int skipped = 0;
        string? current = null;
        try
        {
            foreach (var item in push.Assets)
            {
                var asset = item.Asset;
                AssetValidator.Validate(asset);
                current = _store.Settings.Key(AssetKey(asset.Sha256));
                if (await HoldsAsync(current, asset.Size, asset.Sha256, cancellationToken).ConfigureAwait(false))
                {
                    skipped++;
                    progress?.Report(new AssetProgress(asset.Key, Name, asset.Size, asset.Size));
                    continue;
                }

                Action<long>? report = progress is null ? null : done => progress.Report(new AssetProgress(asset.Key, Name, done, asset.Size));
                await S3Upload.FileAsync(_store.Client(), _store.Settings.Bucket, current, item.FilePath, asset.Size, asset.Sha256, "application/octet-stream", report, cancellationToken).ConfigureAwait(false);
                uploaded++;
            }

            string reference = Name;
            if (push.ManifestJson is { } json)
            {
                current = _store.Settings.Key(ManifestKey(push.ModelId, push.Version));
                await PutManifestAsync(current, json, cancellationToken).ConfigureAwait(false);
                reference = _store.Settings.Url(current);
            }

            return new ModelPushResult(uploaded, skipped, reference);
        }
        catch (Exception e) when (e is not AssetException && (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested))
        {
            var failure = _store.Fail(e, current ?? _store.Settings.Key(string.Empty));
            throw new AssetException(failure.Code, $"Pushing model '{push.ModelId}' {push.Version} to {Name} failed: {failure.Message}", innerException: failure);
        }
    }

    public void Dispose() => _store.Dispose();

    /// <summary>Whether the object exists with exactly this size and sha256 metadata (an object without the metadata is replaced).</summary>
    private async Task<bool> HoldsAsync(string key, long size, string sha256, CancellationToken cancellationToken) =>
        await _store.HeadAsync(key, cancellationToken).ConfigureAwait(false) is { } head && head.Size == size && head.Sha256 == sha256;

    /// <summary>Writes the manifest unless the same text is already there (a PutObject is atomic: readers see the old or the new).</summary>
    private async Task PutManifestAsync(string key, string json, CancellationToken cancellationToken)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(json);
        string sha256 = Convert.ToHexString(SHA256.HashData(bytes)).ToLowerInvariant();
        if (await HoldsAsync(key, bytes.Length, sha256, cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        await S3Upload.BytesAsync(_store.Client(), _store.Settings.Bucket, key, bytes, sha256, "application/json", cancellationToken).ConfigureAwait(false);
    }

    private static bool IsKeySegment(string value) =>
        value.Length is > 0 and <= 200 && value is not "." and not ".."
        && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' or '+' or ':');

}
