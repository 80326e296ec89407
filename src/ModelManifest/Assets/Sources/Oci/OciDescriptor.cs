using System.Text.Json.Nodes;

namespace ModelManifest.Assets;

/// <summary>An OCI content descriptor: what a manifest says about a blob or a child manifest.</summary>
internal sealed record OciDescriptor(string MediaType, string Digest, long Size, IReadOnlyDictionary<string, string> Annotations)
{
    /// <summary>An annotation's value, or <see langword="null"/>.</summary>
    public string? Annotation(string key) => Annotations.TryGetValue(key, out string? value) ? value : null;

    /// <summary>Reads a descriptor object.</summary>
    /// <exception cref="FormatException">A required field is missing.</exception>
    public static OciDescriptor Parse(JsonNode? node)
    {
        if (node is not JsonObject descriptor
            || descriptor["digest"]?.GetValue<string>() is not { } digest
            || descriptor["size"]?.GetValue<long>() is not { } size)
        {
            throw new FormatException("a descriptor lacks its digest or size");
        }

        return new OciDescriptor(descriptor["mediaType"]?.GetValue<string>() ?? string.Empty, digest, size, ReadAnnotations(descriptor));
    }

    /// <summary>The <c>annotations</c> object of a manifest or descriptor (string values only, as the spec requires).</summary>
    public static IReadOnlyDictionary<string, string> ReadAnnotations(JsonObject owner) =>
        owner["annotations"] is JsonObject annotations
            ? annotations.Where(p => p.Value is JsonValue).ToDictionary(p => p.Key, p => p.Value!.ToString(), StringComparer.Ordinal)
            : new Dictionary<string, string>(StringComparer.Ordinal);
}
