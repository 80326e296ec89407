using System.Security.Cryptography;
using ModelManifest;
using ModelManifest.Assets;

// The typed catalog generated from models/demo.models.json at compile time.
Console.WriteLine($"Catalog (schema {Models.SchemaVersion}):");
foreach (ModelInfo model in Models.All)
{
    Console.WriteLine($"  {model.Id} {model.Version}: {model.Description}");
}

Console.WriteLine($"Typed access: Models.WeatherMini.Assets.Weights.FileName = {Models.WeatherMini.Assets.Weights.FileName}, "
    + $"Models.WeatherMini.Options.EnsembleMembers.Default = {Models.WeatherMini.Options.EnsembleMembers.Default}");

// The bundled files, found through the index the build wrote next to the app: no network involved.
var bundle = new BundledAssetSource();
Console.WriteLine("Bundled assets (sha256 recomputed now):");
foreach (ModelInfo model in Models.All)
{
    foreach (AssetReference reference in model.Assets)
    {
        AssetInfo asset = Models.Snapshot.FindAsset(reference.Key)!;
        string path = bundle.TryGetPath(asset) ?? throw new InvalidOperationException($"{asset.Key} is not bundled");
        using var file = File.OpenRead(path);
        string sha = Convert.ToHexStringLower(SHA256.HashData(file));
        Console.WriteLine($"  {asset.Key} -> {Path.GetRelativePath(AppContext.BaseDirectory, path)} sha256 {sha} {(sha == asset.Sha256 ? "matches the manifest" : "MISMATCH")}");
    }
}
