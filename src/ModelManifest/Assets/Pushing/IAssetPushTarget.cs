namespace ModelManifest.Assets;

/// <summary>
/// Where <c>modelmanifest push --to</c> uploads models: object storage, an OCI registry, a model registry. Built by the
/// same factory as sources (<see cref="IAssetSourceProvider.CreatePushTarget"/>), from the same location strings.
/// </summary>
/// <remarks>
/// Pushing is idempotent: a target skips assets it already holds (same sha256 and size) and pushing the same model
/// version twice changes nothing. Nothing half-uploaded may become visible under a final name.
/// </remarks>
public interface IAssetPushTarget
{
    /// <summary>A short name for messages (never containing credentials).</summary>
    string Name { get; }

    /// <summary>Uploads one model version: its assets (those not already there) and, where the target keeps it, its manifest entry.</summary>
    /// <param name="push">The model version and its local files.</param>
    /// <param name="progress">Receives bytes done / total per asset while uploading.</param>
    /// <param name="cancellationToken">Stops the upload.</param>
    /// <exception cref="AssetException">The target refused or failed (a stable MM code, the target named, no credential).</exception>
    Task<ModelPushResult> PushAsync(ModelPush push, IProgress<AssetProgress>? progress, CancellationToken cancellationToken);
}
