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

    /// <summary>
    /// The bundle folder holding every one of <paramref name="assets"/> under its file name (the build's
    /// <c>models/&lt;model-id&gt;/</c> for a model of several files, <c>models/</c> for one file), each still the verified
    /// file; else <see langword="null"/>.
    /// </summary>
    internal string? TryGetModelDirectory(IReadOnlyList<AssetInfo> assets)
    {
        if (_index.Value is not { } index || assets.Count == 0)
        {
            return null;
        }

        // Each folder that holds the first asset under its name is a candidate; the first that holds them all wins.
        var first = assets[0];
        foreach (var candidate in index.Assets.Where(e => Matches(e, first)).Select(e => FolderOf(e.Path)).Distinct(StringComparer.Ordinal))
        {
            var entries = assets.Select(a => index.Assets.FirstOrDefault(e => Matches(e, a) && e.Path == Join(candidate, a.FileName))).ToList();
            if (entries.Any(e => e is null))
            {
                continue;
            }

            var folder = candidate.Length == 0 ? Directory : AssetValidator.CombineInside(Directory, candidate.Split('/'));
            if (folder is not null && assets.Zip(entries).All(p => IsVerified(System.IO.Path.Combine(folder, p.First.FileName), p.First, p.Second!.Identity)))
            {
                return folder;
            }
        }

        return null;

        static bool Matches(BundleIndexEntry e, AssetInfo a) =>
            e.Sha256 == a.Sha256 && e.Size == a.Size && (e.Path == a.FileName || e.Path.EndsWith("/" + a.FileName, StringComparison.Ordinal));
        static string FolderOf(string path) => path.LastIndexOf('/') is var slash and >= 0 ? path[..slash] : string.Empty;
        static string Join(string folder, string name) => folder.Length == 0 ? name : folder + "/" + name;
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
