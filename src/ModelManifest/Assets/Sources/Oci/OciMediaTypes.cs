namespace ModelManifest.Assets;

/// <summary>
/// Media types, artifact types and annotation keys of the OCI image and distribution specs, the CNCF ModelPack spec and
/// Docker Model Runner's model artifacts, in one place.
/// </summary>
internal static class OciMediaTypes
{
    /// <summary>An OCI image manifest (what ModelPack artifacts are).</summary>
    public const string ImageManifest = "application/vnd.oci.image.manifest.v1+json";

    /// <summary>An OCI image index (a list of manifests).</summary>
    public const string ImageIndex = "application/vnd.oci.image.index.v1+json";

    /// <summary>Docker's schema-2 manifest, still served by older registries and tools.</summary>
    public const string DockerManifest = "application/vnd.docker.distribution.manifest.v2+json";

    /// <summary>Docker's manifest list (its index).</summary>
    public const string DockerManifestList = "application/vnd.docker.distribution.manifest.list.v2+json";

    /// <summary>The <c>Accept</c> header of manifest requests: every manifest and index form read here.</summary>
    public static readonly string[] AcceptedManifests = [ImageManifest, ImageIndex, DockerManifest, DockerManifestList];

    /// <summary>ModelPack: the manifest's <c>artifactType</c>.</summary>
    public const string ModelPackArtifact = "application/vnd.cncf.model.manifest.v1+json";

    /// <summary>ModelPack: the config blob.</summary>
    public const string ModelPackConfig = "application/vnd.cncf.model.config.v1+json";

    /// <summary>ModelPack: one raw (unarchived, uncompressed) weight file.</summary>
    public const string ModelPackWeightRaw = "application/vnd.cncf.model.weight.v1.raw";

    /// <summary>ModelPack: one raw file that configures the weights (tokenizer, config.json, …).</summary>
    public const string ModelPackWeightConfigRaw = "application/vnd.cncf.model.weight.config.v1.raw";

    /// <summary>ModelPack: the layer annotation naming the file's path in the model.</summary>
    public const string FilePathAnnotation = "org.cncf.model.filepath";

    /// <summary>OCI: the file name of a layer (what ORAS writes and reads).</summary>
    public const string TitleAnnotation = "org.opencontainers.image.title";

    /// <summary>
    /// Ours: the manifest annotation carrying the one-model <c>*.models.json</c> document of the pushed version, so a pull
    /// recovers its full metadata (ModelPack's config has no place for it; an annotation rides in the manifest that every
    /// pull reads anyway, so no extra blob request is needed).
    /// </summary>
    public const string ModelManifestAnnotation = "org.modelmanifest.manifest";

    /// <summary>Docker Model Runner: a GGUF weight layer.</summary>
    public const string DockerGguf = "application/vnd.docker.ai.gguf.v3";

    /// <summary>Docker Model Runner: the model config blob.</summary>
    public const string DockerModelConfig = "application/vnd.docker.ai.model.config.v0.1+json";

    /// <summary>Whether a manifest of <paramref name="mediaType"/> lists manifests rather than layers.</summary>
    public static bool IsIndex(string? mediaType) => mediaType is ImageIndex or DockerManifestList;
}
