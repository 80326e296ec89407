using Microsoft.CodeAnalysis.Text;

namespace ModelManifest.Generator.Tests;

/// <summary>Small manifests for tests, and ⟦…⟧ markers that say where a diagnostic must be.</summary>
internal static class Manifests
{
    public const string Sha = "20b353b86a2cf84b3bda3c2f25c86891a2e2dad46d55af7140e158945bf9bfb4";
    public const string OtherSha = "7b9c73622ae9d18b41ec702e0aa8c8f88369af3c6fbc478758f1df5b2ccea170";

    /// <summary>A valid manifest with one model referencing one asset; parts can be replaced.</summary>
    public static string Valid(string modelId = "m", string version = "1.0.0", string assetId = "a", string sha = Sha, string extraModel = "", string extraAsset = "", string schemaVersion = "1.1")
        => "{\n"
         + "  \"schemaVersion\": \"" + schemaVersion + "\",\n"
         + "  \"models\": [\n"
         + "    { \"id\": \"" + modelId + "\", \"version\": \"" + version + "\", \"assets\": [{ \"id\": \"" + assetId + "\", \"role\": \"weights\" }]" + extraModel + " }\n"
         + "  ],\n"
         + "  \"assets\": [\n"
         + "    { \"id\": \"" + assetId + "\", \"fileName\": \"a.bin\", \"size\": 1, \"sha256\": \"" + sha + "\"" + extraAsset + " }\n"
         + "  ]\n"
         + "}\n";

    /// <summary>Removes the ⟦ ⟧ markers and returns the text and the span between them.</summary>
    public static (string Text, TextSpan Span) Marked(string marked)
    {
        int start = marked.IndexOf('⟦');
        int end = marked.IndexOf('⟧');
        Assert.True(start >= 0 && end > start, "the test manifest needs ⟦…⟧ markers");
        string text = marked.Remove(end, 1).Remove(start, 1);
        return (text, TextSpan.FromBounds(start, end - 1));
    }
}
