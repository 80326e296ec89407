namespace ModelManifest.Assets.Tests.Infrastructure;

/// <summary>The asset descriptions that match deterministic test content (<see cref="TestContent"/>).</summary>
public static class TestFiles
{
    public static AssetInfo Asset(byte[] content, string id = "weights", string fileName = "weights.bin", string? tag = null) => new()
    {
        Id = id,
        Tag = tag,
        FileName = fileName,
        Size = content.Length,
        Sha256 = TestContent.Sha256(content),
    };
}
