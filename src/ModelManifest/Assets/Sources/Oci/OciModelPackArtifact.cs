using System.Text.Json;

namespace ModelManifest.Assets;

/// <summary>
/// The CNCF ModelPack artifact of one model version: an OCI image manifest with <c>artifactType</c>
/// <see cref="OciMediaTypes.ModelPackArtifact"/>, a config blob of media type <see cref="OciMediaTypes.ModelPackConfig"/>
/// (<c>descriptor</c> name and version, <c>config.format</c>, <c>modelfs.diff_ids</c>), and one raw layer per asset file,
/// annotated with <see cref="OciMediaTypes.FilePathAnnotation"/> (and ORAS's title) = the file name. The version's
/// one-model manifest JSON rides in the manifest's <see cref="OciMediaTypes.ModelManifestAnnotation"/> annotation.
/// </summary>
/// <remarks>
/// Written byte-for-byte deterministically (no timestamps), so pushing the same version twice yields the same manifest
/// digest: a push is idempotent down to the tag.
/// </remarks>
internal sealed class OciModelPackArtifact
{
    private OciModelPackArtifact(byte[] config, byte[] manifest)
    {
        Config = config;
        Manifest = manifest;
        ConfigDigest = OciRegistryClient.Digest(config);
        ManifestDigest = OciRegistryClient.Digest(manifest);
    }

    /// <summary>The config blob.</summary>
    public byte[] Config { get; }

    /// <summary>The config blob's digest.</summary>
    public string ConfigDigest { get; }

    /// <summary>The manifest.</summary>
    public byte[] Manifest { get; }

    /// <summary>The manifest's digest.</summary>
    public string ManifestDigest { get; }

    /// <summary>Builds the artifact of <paramref name="push"/>.</summary>
    public static OciModelPackArtifact Build(ModelPush push)
    {
        var assets = push.Assets.Select(a => a.Asset).ToList();
        byte[] config = Json(writer =>
        {
            writer.WriteStartObject("descriptor");
            writer.WriteString("name", push.ModelId);
            writer.WriteString("version", push.Version);
            var licenses = assets.Select(a => a.License).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
            if (licenses.Count > 0)
            {
                writer.WriteStartArray("licenses");
                licenses.ForEach(writer.WriteStringValue);
                writer.WriteEndArray();
            }

            writer.WriteEndObject();
            writer.WriteStartObject("config");
            if (assets.Select(a => FormatName(a.Format)).OfType<string>().Distinct(StringComparer.Ordinal).ToList() is [string format])
            {
                writer.WriteString("format", format);
            }

            writer.WriteEndObject();
            writer.WriteStartObject("modelfs");
            writer.WriteString("type", "layers");
            writer.WriteStartArray("diff_ids"); // raw layers: the uncompressed content is the blob itself
            assets.ForEach(a => writer.WriteStringValue("sha256:" + a.Sha256));
            writer.WriteEndArray();
            writer.WriteEndObject();
        });

        byte[] manifest = Json(writer =>
        {
            writer.WriteNumber("schemaVersion", 2);
            writer.WriteString("mediaType", OciMediaTypes.ImageManifest);
            writer.WriteString("artifactType", OciMediaTypes.ModelPackArtifact);
            writer.WriteStartObject("config");
            WriteDescriptor(writer, OciMediaTypes.ModelPackConfig, OciRegistryClient.Digest(config), config.Length);
            writer.WriteEndObject();
            writer.WriteStartArray("layers");
            foreach (var asset in assets)
            {
                writer.WriteStartObject();
                WriteDescriptor(writer, LayerMediaType(asset.Format), "sha256:" + asset.Sha256, asset.Size);
                writer.WriteStartObject("annotations");
                writer.WriteString(OciMediaTypes.FilePathAnnotation, asset.FileName);
                writer.WriteString(OciMediaTypes.TitleAnnotation, asset.FileName);
                writer.WriteEndObject();
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            if (push.ManifestJson is { } manifestJson)
            {
                writer.WriteStartObject("annotations");
                writer.WriteString(OciMediaTypes.ModelManifestAnnotation, manifestJson);
                writer.WriteEndObject();
            }
        });

        return new OciModelPackArtifact(config, manifest);
    }

    /// <summary>ModelPack's raw media types: weight configuration for tokenizers, weights for every other file.</summary>
    private static string LayerMediaType(AssetFormat format) =>
        format == AssetFormat.Tokenizer ? OciMediaTypes.ModelPackWeightConfigRaw : OciMediaTypes.ModelPackWeightRaw;

    /// <summary>ModelPack's <c>config.format</c> names of checkpoint formats.</summary>
    private static string? FormatName(AssetFormat format) => format switch
    {
        AssetFormat.Onnx => "onnx",
        AssetFormat.Safetensors => "safetensors",
        AssetFormat.Gguf => "gguf",
        AssetFormat.Torch => "pytorch",
        _ => null,
    };

    private static void WriteDescriptor(Utf8JsonWriter writer, string mediaType, string digest, long size)
    {
        writer.WriteString("mediaType", mediaType);
        writer.WriteString("digest", digest);
        writer.WriteNumber("size", size);
    }

    private static byte[] Json(Action<Utf8JsonWriter> body)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            body(writer);
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }
}
