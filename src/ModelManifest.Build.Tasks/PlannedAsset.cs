namespace ModelManifest.Build.Tasks;

/// <summary>One asset to bundle: where it goes (relative to the output folder) and where the manifest defines it.</summary>
internal sealed record PlannedAsset(AssetInfo Asset, string RelativePath, string ManifestPath, int Line, int Column)
{
    public BuildLocation Location => new(ManifestPath, Line, Column);
}
