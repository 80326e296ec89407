namespace ModelManifest.Tests;

/// <summary>A small valid manifest that rule tests break one token at a time.</summary>
internal static class ValidManifest
{
    public const string Sha = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    public static string With(string models = "", string assets = "", string version = "1.1") => $$"""
        {
          "schemaVersion": "{{version}}",
          "models": [
            {
              "id": "weather",
              "version": "1.0.0",
              "assets": [{ "id": "ckpt", "tag": "v1" }]{{(models.Length > 0 ? "," : "")}}
              {{models}}
            }
          ],
          "assets": [
            { "id": "ckpt", "tag": "v1", "fileName": "weather.ckpt", "size": 10, "sha256": "{{Sha}}", "format": "torch" }{{(assets.Length > 0 ? "," : "")}}
            {{assets}}
          ]
        }
        """;
}
