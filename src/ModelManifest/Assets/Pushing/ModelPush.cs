namespace ModelManifest.Assets;

/// <summary>One model version to push: its identity, its manifest entry and the local files of its assets.</summary>
public sealed class ModelPush
{
    /// <summary>The model id.</summary>
    public required string ModelId { get; init; }

    /// <summary>The version (semantic version text).</summary>
    public required string Version { get; init; }

    /// <summary>
    /// The version's manifest document as JSON text (a whole manifest holding just this model and version), so that a
    /// target that keeps metadata (an OCI config, a registry) lets a later pull recover it exactly; or <see langword="null"/>.
    /// </summary>
    public string? ManifestJson { get; init; }

    /// <summary>The assets with the verified local file holding each.</summary>
    public required IReadOnlyList<ModelPushAsset> Assets { get; init; }
}

/// <summary>An asset to push and the local file that holds its bytes (already verified against its sha256).</summary>
/// <param name="asset">The asset.</param>
/// <param name="filePath">The local file.</param>
public sealed class ModelPushAsset(AssetInfo asset, string filePath)
{
    /// <summary>The asset.</summary>
    public AssetInfo Asset { get; } = asset ?? throw new ArgumentNullException(nameof(asset));

    /// <summary>The local file holding the asset's bytes.</summary>
    public string FilePath { get; } = filePath ?? throw new ArgumentNullException(nameof(filePath));
}

/// <summary>What a push did.</summary>
/// <param name="uploaded">Assets uploaded.</param>
/// <param name="skipped">Assets the target already held.</param>
/// <param name="reference">Where the version now lives, for output.</param>
public sealed class ModelPushResult(int uploaded, int skipped, string reference)
{
    /// <summary>Assets uploaded.</summary>
    public int Uploaded { get; } = uploaded;

    /// <summary>Assets the target already held (not uploaded again).</summary>
    public int Skipped { get; } = skipped;

    /// <summary>Where the version now lives (an OCI reference with digest, an object prefix, a registry URL).</summary>
    public string Reference { get; } = reference ?? throw new ArgumentNullException(nameof(reference));
}
