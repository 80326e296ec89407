using System.Net;
using System.Net.Http;

namespace ModelManifest.Assets;

/// <summary>
/// An OCI registry as a source (<c>oci://host[:port]/repository[:tag|@digest]</c>). An asset is the blob whose digest is
/// <c>sha256:&lt;asset sha256&gt;</c>: a layer of the referenced artifact (a CNCF ModelPack model, a Docker Model Runner
/// model, any OCI artifact; an index is searched through its manifests), or — when the artifact has no such layer or the
/// location names no artifact — any blob of that digest in the repository (HEAD by digest). Blobs are read by digest with
/// byte ranges, so downloads resume and split over several connections.
/// </summary>
/// <remarks>
/// The artifact's manifest is read once per source instance. The digest <em>is</em> the asset's sha256, so a layer that
/// matches is the asset's bytes (the engine still hashes while writing, as for every source).
/// </remarks>
internal sealed class OciAssetSource : IRangedAssetSource, IDisposable
{
    /// <summary>How many child manifests of an index are read at most (an index of a model lists a handful).</summary>
    private const int MaxIndexEntries = 16;

    private static readonly TimeSpan s_stallTimeout = TimeSpan.FromSeconds(30);
    private readonly OciRegistryClient _client;
    private readonly SemaphoreSlim _manifestGate = new(1, 1);
    private ArtifactLayers? _artifact;

    public OciAssetSource(OciRegistryClient client)
    {
        _client = client;
        Name = "oci:" + client.Reference.ToString()["oci://".Length..];
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <summary>Finds the asset's layer in the artifact, else its blob in the repository.</summary>
    public async ValueTask<AssetAvailability> ProbeAsync(AssetInfo asset, CancellationToken cancellationToken)
    {
        string digest = "sha256:" + asset.Sha256;
        var artifact = await ArtifactAsync(cancellationToken).ConfigureAwait(false);
        if (artifact.Layers.TryGetValue(digest, out var layer))
        {
            return AssetAvailability.Yes(layer.Size);
        }

        long? size = await _client.HeadBlobAsync(digest, cancellationToken).ConfigureAwait(false);
        if (size is { } found)
        {
            return AssetAvailability.Yes(found >= 0 ? found : null);
        }

        return AssetAvailability.No(artifact.Reference is null
            ? $"the repository holds no blob {digest}."
            : $"{artifact.Describe()} has no layer {digest} and the repository holds no such blob.");
    }

    /// <inheritdoc />
    public ValueTask<AssetContent> OpenReadAsync(AssetInfo asset, long offset, CancellationToken cancellationToken) =>
        OpenAsync(asset, offset, null, cancellationToken);

    /// <inheritdoc />
    public ValueTask<AssetContent> OpenRangeAsync(AssetInfo asset, long offset, long length, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(length);
        return OpenAsync(asset, offset, length, cancellationToken);
    }

    /// <summary>The one-model manifest JSON a push carried in the artifact (<see cref="OciMediaTypes.ModelManifestAnnotation"/>), or <see langword="null"/>.</summary>
    public async Task<string?> ReadModelManifestJsonAsync(CancellationToken cancellationToken) =>
        (await ArtifactAsync(cancellationToken).ConfigureAwait(false)).ModelManifestJson;

    /// <summary>Releases the HTTP client.</summary>
    public void Dispose() => _client.Dispose();

    private async ValueTask<AssetContent> OpenAsync(AssetInfo asset, long offset, long? length, CancellationToken cancellationToken)
    {
        string digest = "sha256:" + asset.Sha256;
        var response = await _client.GetBlobAsync(digest, offset, length, cancellationToken).ConfigureAwait(false);
        try
        {
            await _client.EnsureSuccessAsync(response, $"blob {digest}", cancellationToken).ConfigureAwait(false);
            long start = 0;
            long? count = null;
            if (response.StatusCode == HttpStatusCode.PartialContent)
            {
                // Only exactly the range asked for, of a blob of the asset's size, is trusted.
                long last = length is { } wanted ? offset + wanted - 1 : asset.Size - 1;
                var range = response.Content.Headers.ContentRange;
                if (range is null || range.From != offset || range.To != last || (range.Length is { } total && total != asset.Size))
                {
                    throw _client.Failure(AssetDiagnosticIds.TransportError, $"answered a range request for blob {digest} with the mismatching Content-Range '{range}'.");
                }

                start = offset;
                count = length;
            }
            else if (response.Content.Headers.ContentLength is { } served && served != asset.Size)
            {
                throw _client.Failure(AssetDiagnosticIds.SizeMismatch, $"serves blob {digest} with {served} bytes, the manifest says {asset.Size}.");
            }

            var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            return new AssetContent(new StallGuardStream(body, response, s_stallTimeout), start, count);
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    /// <summary>The artifact's layers by digest, read once (an index: the layers of each of its manifests).</summary>
    private async ValueTask<ArtifactLayers> ArtifactAsync(CancellationToken cancellationToken)
    {
        if (_artifact is { } known)
        {
            return known;
        }

        await _manifestGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_artifact is { } raced)
            {
                return raced;
            }

            string? reference = _client.Reference.ManifestReference;
            var artifact = new ArtifactLayers(reference);
            if (reference is not null && await _client.GetManifestAsync(reference, cancellationToken).ConfigureAwait(false) is { } manifest)
            {
                artifact.Found = true;
                artifact.Add(manifest);
                foreach (var child in manifest.Manifests.Take(MaxIndexEntries))
                {
                    if (await _client.GetManifestAsync(child.Digest, cancellationToken).ConfigureAwait(false) is { } childManifest)
                    {
                        artifact.Add(childManifest);
                    }
                }
            }

            return _artifact = artifact;
        }
        finally
        {
            _manifestGate.Release();
        }
    }

    /// <summary>What the referenced artifact offers: its layers by digest and the model manifest a push carried.</summary>
    private sealed class ArtifactLayers(string? reference)
    {
        public string? Reference { get; } = reference;

        public bool Found { get; set; }

        public Dictionary<string, OciDescriptor> Layers { get; } = new(StringComparer.Ordinal);

        public string? ModelManifestJson { get; private set; }

        public void Add(OciManifestDocument manifest)
        {
            // Docker Model Runner's GGUF layers (application/vnd.docker.ai.gguf.v3) carry no file path: they are found,
            // like every layer, by digest alone; a layer of any media type whose digest is the asset's sha256 is the asset.
            foreach (var layer in manifest.Layers)
            {
                Layers.TryAdd(layer.Digest, layer);
            }

            ModelManifestJson ??= manifest.Annotations.TryGetValue(OciMediaTypes.ModelManifestAnnotation, out string? json) ? json : null;
        }

        public string Describe() => Found ? $"the artifact {Reference}" : $"the tag {Reference} (not found)";
    }
}
