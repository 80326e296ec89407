using System.Text.Json.Nodes;

namespace ModelManifest.Assets;

/// <summary>
/// A manifest as a registry served it: an image manifest (a ModelPack artifact, a Docker Model Runner model, any OCI
/// artifact) with its config and layers, or an index listing manifests.
/// </summary>
internal sealed record OciManifestDocument(
    string MediaType,
    string? ArtifactType,
    OciDescriptor? Config,
    IReadOnlyList<OciDescriptor> Layers,
    IReadOnlyList<OciDescriptor> Manifests,
    IReadOnlyDictionary<string, string> Annotations)
{
    /// <summary>Whether this lists manifests rather than layers.</summary>
    public bool IsIndex => OciMediaTypes.IsIndex(MediaType);

    /// <summary>Parses a manifest; the body's <c>mediaType</c> wins over the response's content type.</summary>
    /// <exception cref="FormatException">Not JSON, or not a manifest.</exception>
    public static OciManifestDocument Parse(byte[] bytes, string? contentType)
    {
        JsonObject document;
        try
        {
            document = JsonNode.Parse(bytes) as JsonObject ?? throw new FormatException("not a JSON object");
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new FormatException("not JSON: " + e.Message);
        }

        try
        {
            string mediaType = document["mediaType"]?.GetValue<string>()
                ?? (document["manifests"] is not null ? OciMediaTypes.ImageIndex : contentType ?? OciMediaTypes.ImageManifest);
            return new OciManifestDocument(
                mediaType,
                document["artifactType"]?.GetValue<string>(),
                document["config"] is { } config ? OciDescriptor.Parse(config) : null,
                Descriptors(document["layers"]),
                Descriptors(document["manifests"]),
                OciDescriptor.ReadAnnotations(document));
        }
        catch (InvalidOperationException e)
        {
            throw new FormatException("a field has the wrong type: " + e.Message);
        }
    }

    private static List<OciDescriptor> Descriptors(JsonNode? node) =>
        node is JsonArray array ? array.Select(OciDescriptor.Parse).ToList() : [];
}
