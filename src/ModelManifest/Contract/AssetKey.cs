namespace ModelManifest;

/// <summary>Identifies an asset within a manifest: its id plus optional tag.</summary>
/// <param name="Id">The asset id.</param>
/// <param name="Tag">The variant tag, or <see langword="null"/> for the untagged asset.</param>
public readonly record struct AssetKey(string Id, string? Tag)
{
    /// <summary>Formats the key as <c>id</c> or <c>id:tag</c>… using <c>@</c> because ids may contain ':'.</summary>
    public override string ToString() => Tag is null ? Id : Id + "@" + Tag;
}
