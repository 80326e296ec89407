using System.Security.Cryptography;
using System.Text;

namespace ModelManifest.Sources.Oci.Tests;

/// <summary>
/// An OCI image layout on disk (<c>oci-layout</c>, <c>index.json</c>, <c>blobs/sha256/…</c>) as other tools write it, for
/// <c>skopeo copy oci:&lt;dir&gt;:&lt;tag&gt; docker://…</c>: the way an artifact another client made gets into the registry.
/// </summary>
internal sealed class OciLayout(string root)
{
    private readonly List<string> _manifests = new();

    public string Root { get; } = root;

    /// <summary>Writes a blob; returns its descriptor JSON with <paramref name="mediaType"/> and extra fields.</summary>
    public string Blob(string mediaType, byte[] bytes, string extra = "")
    {
        string hex = Convert.ToHexStringLower(SHA256.HashData(bytes));
        string folder = Directory.CreateDirectory(Path.Combine(Root, "blobs", "sha256")).FullName;
        File.WriteAllBytes(Path.Combine(folder, hex), bytes);
        return $$"""{"mediaType":"{{mediaType}}","digest":"sha256:{{hex}}","size":{{bytes.Length}}{{extra}}}""";
    }

    /// <summary>Writes an image manifest with <paramref name="configDescriptor"/> and layers and tags it.</summary>
    public void Manifest(string tag, string configDescriptor, params string[] layerDescriptors)
    {
        byte[] manifest = Encoding.UTF8.GetBytes($$"""{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{{configDescriptor}},"layers":[{{string.Join(',', layerDescriptors)}}]}""");
        _manifests.Add(Blob("application/vnd.oci.image.manifest.v1+json", manifest, $$""","annotations":{"org.opencontainers.image.ref.name":"{{tag}}"}"""));
        File.WriteAllText(Path.Combine(Root, "oci-layout"), """{"imageLayoutVersion":"1.0.0"}""");
        File.WriteAllText(Path.Combine(Root, "index.json"), $$"""{"schemaVersion":2,"manifests":[{{string.Join(',', _manifests)}}]}""");
    }
}
