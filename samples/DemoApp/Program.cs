using System.Security.Cryptography;
using DemoApp;
using ModelManifest;
using ModelManifest.Assets;

// The typed catalog, generated at compile time from models/demo.models.json.
Console.WriteLine($"Catalog (schema {Models.SchemaVersion}):");
foreach (ModelInfo model in Models.All)
{
    Console.WriteLine($"  {model.Id} {model.Version} ({model.Assets.Length} asset(s))");
}

// Typed access: a typo here is a compile error, not a runtime surprise.
AssetInfo[] assets = [Models.WeatherMini.Assets.Checkpoint, Models.TinyLlama.Assets.Checkpoint];

// The bundled files, found through the index the build wrote next to the app: no network involved.
var bundle = new BundledAssetSource();
Console.WriteLine("Bundled assets (sha256 recomputed now):");
foreach (AssetInfo asset in assets)
{
    string path = bundle.TryGetPath(asset) ?? throw new InvalidOperationException($"{asset.Key} is not bundled");
    using var file = File.OpenRead(path);
    string sha = Convert.ToHexStringLower(SHA256.HashData(file));
    Console.WriteLine($"  {asset.Key} -> {Path.GetRelativePath(AppContext.BaseDirectory, path)} {sha[..16]}… {(sha == asset.Sha256 ? "matches the manifest" : "DOES NOT MATCH")}");
}
