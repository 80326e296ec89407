using System.Net.Http;
using System.Net.Http.Headers;

namespace ModelManifest.Assets;

/// <summary>
/// <c>modelmanifest push --to oci://host/repository[:tag]</c>: each model version becomes a CNCF ModelPack artifact
/// (<see cref="OciModelPackArtifact"/>) tagged with the location's tag, or with the version when the location has none
/// (<c>+</c> of build metadata becomes <c>_</c>, as OCI tags allow no <c>+</c>). Blobs the repository holds are skipped,
/// the manifest is PUT only when the tag does not already name the same digest: pushing twice changes nothing.
/// </summary>
internal sealed class OciPushTarget(OciRegistryClient client, long chunkSize, string? mountFrom) : IAssetPushTarget
{
    /// <inheritdoc />
    public string Name { get; } = client.Reference.ToString();

    /// <inheritdoc />
    public async Task<ModelPushResult> PushAsync(ModelPush push, IProgress<AssetProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(push);
        string tag = client.Reference.Tag ?? push.Version.Replace('+', '_');
        if (!OciReference.IsValidTag(tag))
        {
            throw new AssetException(AssetDiagnosticIds.InvalidSourceLocation, $"The version '{push.Version}' of '{push.ModelId}' is not a valid OCI tag; name one in the location ({Name}:<tag>).");
        }

        var uploader = new OciBlobUploader(client, chunkSize, mountFrom);
        int uploaded = 0, skipped = 0;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            foreach (var item in push.Assets)
            {
                var asset = item.Asset;
                if (!seen.Add(asset.Sha256))
                {
                    skipped++;
                    continue;
                }

                var sent = progress is null ? null : new Action<long>(done => progress.Report(new AssetProgress(asset.Key, Name, done, asset.Size)));
                bool sentBytes = await uploader.EnsureAsync(
                    "sha256:" + asset.Sha256,
                    asset.Size,
                    (offset, length, read) => new OciUploadStream(item.FilePath, offset, length, read),
                    sent,
                    cancellationToken).ConfigureAwait(false);
                if (sentBytes)
                {
                    uploaded++;
                }
                else
                {
                    skipped++;
                }
            }

            var artifact = OciModelPackArtifact.Build(push);
            await uploader.EnsureAsync(artifact.ConfigDigest, artifact.Config.Length, (offset, length, _) => new MemoryStream(artifact.Config, (int)offset, (int)length, writable: false), null, cancellationToken).ConfigureAwait(false);
            if (await client.HeadManifestAsync(tag, cancellationToken).ConfigureAwait(false) != artifact.ManifestDigest)
            {
                using var response = await client.SendAsync(HttpMethod.Put, client.Url("manifests/" + tag), null, () =>
                {
                    var content = new ByteArrayContent(artifact.Manifest);
                    content.Headers.ContentType = new MediaTypeHeaderValue(OciMediaTypes.ImageManifest);
                    return content;
                }, cancellationToken).ConfigureAwait(false);
                await client.EnsureSuccessAsync(response, $"the manifest {tag}", cancellationToken).ConfigureAwait(false);
            }

            return new ModelPushResult(uploaded, skipped, $"{client.Reference.WithTag(tag)}@{artifact.ManifestDigest}");
        }
        catch (AssetSourceException e)
        {
            // A push has no next source to try: the target's failure is the command's error.
            throw new AssetException(e.Code, $"Pushing {push.ModelId} {push.Version} failed: {e.Message}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new AssetException(AssetDiagnosticIds.TransportError, $"Pushing {push.ModelId} {push.Version} to {Name} failed reading a local file: {e.Message}");
        }
    }
}
