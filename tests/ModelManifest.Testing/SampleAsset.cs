namespace ModelManifest.Testing;

/// <summary>A deterministic asset file for a test: bytes, digest and the manifest entry that describes it.</summary>
public sealed class SampleAsset
{
    public SampleAsset(string id, string fileName, int size, int seed, string? tag = null)
    {
        Id = id;
        Tag = tag;
        FileName = fileName;
        Bytes = TestContent.Bytes(size, seed);
        Sha256 = TestContent.Sha256(Bytes);
    }

    public string Id { get; }

    public string? Tag { get; }

    public string FileName { get; }

    public byte[] Bytes { get; }

    public string Sha256 { get; }

    public string ManifestEntry => $$"""{ "id": "{{Id}}"{{(Tag is null ? "" : $", \"tag\": \"{Tag}\"")}}, "fileName": "{{FileName}}", "size": {{Bytes.Length}}, "sha256": "{{Sha256}}", "format": "other" }""";

    public string Reference(string role) => $$"""{ "id": "{{Id}}"{{(Tag is null ? "" : $", \"tag\": \"{Tag}\"")}}, "role": "{{role}}" }""";

    /// <summary>The path the default HTTP template <c>{id}/{tag}/{fileName}</c> serves this asset at.</summary>
    public string HttpPath => Tag is null ? $"{Id}/{FileName}" : $"{Id}/{Tag}/{FileName}";

    public void WriteTo(string directory) => File.WriteAllBytes(Path.Combine(Directory.CreateDirectory(directory).FullName, FileName), Bytes);

    /// <summary>A manifest with one model per asset (<c>id</c> = asset id + "-model").</summary>
    public static string Manifest(params SampleAsset[] assets) => $$"""
        {
          "schemaVersion": "1.1",
          "models": [
            {{string.Join(",\n    ", assets.Select(a => $$"""{ "id": "{{a.Id}}-model", "version": "1.0.0", "description": "Model using {{a.FileName}}.", "assets": [{{a.Reference("weights")}}] }"""))}}
          ],
          "assets": [
            {{string.Join(",\n    ", assets.Select(a => a.ManifestEntry))}}
          ]
        }
        """;
}
