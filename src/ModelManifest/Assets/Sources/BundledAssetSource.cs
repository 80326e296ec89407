namespace ModelManifest.Assets;

/// <summary>
/// The assets the build placed next to the app, listed in its <see cref="BundleIndex"/>. Local, so it works offline.
/// Matches by sha256 and size; the bytes are verified like any source's when copied into the cache, and
/// <see cref="TryGetPath"/> lets a runtime use a bundled file in place — only after checking that the file is the one the
/// build verified (its identity as recorded in the index, else a rehash, remembered for the process), so a bundled file
/// whose bytes changed is never handed out.
/// </summary>
public sealed class BundledAssetSource : IAssetSource
{
    private readonly Lazy<BundleIndex?> _index;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, FileIdentity> _verified = new(StringComparer.Ordinal);

    /// <summary>Creates a source over the bundle in <paramref name="directory"/> (default: the app's base directory).</summary>
    public BundledAssetSource(string? directory = null)
    {
        Directory = System.IO.Path.GetFullPath(directory ?? AppContext.BaseDirectory);
        var indexPath = System.IO.Path.Combine(Directory, BundleIndex.FileName);
        _index = new Lazy<BundleIndex?>(() => File.Exists(indexPath) ? BundleIndex.Load(indexPath) : null);
        Name = "bundle:" + Directory;
    }

    /// <summary>The bundle folder.</summary>
    public string Directory { get; }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public bool RequiresNetwork => false;

    /// <summary>The bundled file for <paramref name="asset"/> when listed, of the right size and still holding the verified bytes, else <see langword="null"/>.</summary>
    public string? TryGetPath(AssetInfo asset)
    {
        AssetValidator.Validate(asset);
        var entry = _index.Value?.Assets.FirstOrDefault(e => e.Sha256 == asset.Sha256 && e.Size == asset.Size);
        if (entry is null)
        {
            return null;
        }

        var path = AssetValidator.CombineInside(Directory, entry.Path.Split('/'));
        return path is not null && IsVerified(path, asset, entry.Identity) ? path : null;
    }

    /// <summary>Cheap when the file's identity is the recorded or an already verified one; a rehash otherwise.</summary>
    private bool IsVerified(string path, AssetInfo asset, string? recorded)
    {
        try
        {
            using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            if (FileIdentity.Of(handle, path) is not { IsRegular: true } identity || identity.Size != asset.Size)
            {
                return false;
            }

            if (identity.Matches(recorded) || (_verified.TryGetValue(path, out var known) && known == identity))
            {
                return true;
            }

            if (Sha256File.ComputeAsync(handle, CancellationToken.None).GetAwaiter().GetResult() != asset.Sha256)
            {
                return false;
            }

            _verified[path] = identity;
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <inheritdoc />
    public ValueTask<AssetAvailability> ProbeAsync(AssetInfo asset, CancellationToken cancellationToken) =>
        ValueTask.FromResult(TryGetPath(asset) is not null
            ? AssetAvailability.Yes(asset.Size)
            : AssetAvailability.No(_index.Value is null ? $"no {BundleIndex.FileName}." : "not in the bundle index (or the file is missing)."));

    /// <inheritdoc />
    public ValueTask<AssetContent> OpenReadAsync(AssetInfo asset, long offset, CancellationToken cancellationToken)
    {
        var path = TryGetPath(asset) ?? throw new AssetSourceException(AssetDiagnosticIds.NotInSource, "the bundled file is gone.");
        return ValueTask.FromResult(AssetContent.FromFile(path, offset));
    }
}
