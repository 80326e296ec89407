namespace ModelManifest.Assets;

/// <summary>
/// A local or mounted folder, such as a team mirror on a network share. Files are found by the configured
/// <see cref="DirectoryLayout"/>s; a file whose size differs from the manifest is not offered.
/// </summary>
public sealed class DirectoryAssetSource : IRangedAssetSource
{
    private readonly DirectoryLayout _layout;

    /// <summary>Creates a source over <paramref name="root"/>.</summary>
    /// <param name="root">The folder.</param>
    /// <param name="layout">Layouts to try, in <see cref="DirectoryLayout"/> order.</param>
    /// <param name="name">The name used in messages; defaults to <c>directory:&lt;root&gt;</c>.</param>
    public DirectoryAssetSource(string root, DirectoryLayout layout = DirectoryLayout.All, string? name = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        Root = Path.GetFullPath(root);
        _layout = layout;
        Name = name ?? "directory:" + Root;
    }

    /// <summary>The folder.</summary>
    public string Root { get; }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public bool RequiresNetwork => false;

    /// <summary>The existing file that holds <paramref name="asset"/> with the right size, or <see langword="null"/>.</summary>
    public string? Locate(AssetInfo asset)
    {
        AssetValidator.Validate(asset);
        foreach (var candidate in Candidates(asset))
        {
            var info = new FileInfo(candidate);
            if (info.Exists && info.Length == asset.Size)
            {
                return candidate;
            }
        }

        return null;
    }

    /// <inheritdoc />
    public ValueTask<AssetAvailability> ProbeAsync(AssetInfo asset, CancellationToken cancellationToken) =>
        ValueTask.FromResult(Locate(asset) is { } ? AssetAvailability.Yes(asset.Size) : AssetAvailability.No($"no file of {asset.Size} bytes at {string.Join(" or ", Candidates(asset).Select(c => Path.GetRelativePath(Root, c)))}."));

    /// <inheritdoc />
    public ValueTask<AssetContent> OpenReadAsync(AssetInfo asset, long offset, CancellationToken cancellationToken)
    {
        var path = Locate(asset) ?? throw new AssetSourceException(AssetDiagnosticIds.NotInSource, "the file is gone.");
        return ValueTask.FromResult(AssetContent.FromFile(path, offset));
    }

    /// <inheritdoc />
    public ValueTask<AssetContent> OpenRangeAsync(AssetInfo asset, long offset, long length, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(length);
        var path = Locate(asset) ?? throw new AssetSourceException(AssetDiagnosticIds.NotInSource, "the file is gone.");
        var whole = AssetContent.FromFile(path, offset);
        return ValueTask.FromResult(new AssetContent(whole.Stream, offset, length));
    }

    private IEnumerable<string> Candidates(AssetInfo asset)
    {
        // Every candidate is proven to stay under Root; the validator already rejected separators and '..'.
        if (_layout.HasFlag(DirectoryLayout.FileName) && AssetValidator.CombineInside(Root, asset.FileName) is { } flat)
        {
            yield return flat;
        }

        if (_layout.HasFlag(DirectoryLayout.IdTagFileName))
        {
            var nested = asset.Tag is null
                ? AssetValidator.CombineInside(Root, asset.Id, asset.FileName)
                : AssetValidator.CombineInside(Root, asset.Id, asset.Tag, asset.FileName);
            if (nested is not null)
            {
                yield return nested;
            }
        }

        if (_layout.HasFlag(DirectoryLayout.Sha256) && AssetValidator.CombineInside(Root, "sha256", asset.Sha256) is { } addressed)
        {
            yield return addressed;
        }
    }
}
