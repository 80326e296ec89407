namespace ModelManifest.Assets;

/// <summary>
/// Another tool's content-addressed store on this machine, where a large file's name is its sha256: the Hugging Face
/// cache (<c>models--ns--repo/blobs/&lt;sha256&gt;</c>) or Ollama's store (<c>blobs/sha256-&lt;hex&gt;</c>). Opens no
/// connection, so it stays on in offline mode; asked first, so bytes the user already holds are never downloaded again.
/// </summary>
/// <remarks>
/// The probe checks that a regular file of the asset's size is there; the engine links it into its cache and verifies
/// its sha256 before publishing (<see cref="ILocalFileAssetSource"/>), so a damaged or altered blob is never served.
/// A folder that does not exist simply holds nothing.
/// </remarks>
internal sealed class LocalCacheSource : ILocalFileAssetSource, IRangedAssetSource
{
    private readonly Func<string, IEnumerable<string>> _candidates;

    private LocalCacheSource(string name, string root, Func<string, IEnumerable<string>> candidates)
    {
        Name = name;
        Root = root;
        _candidates = candidates;
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <summary>The store's folder.</summary>
    public string Root { get; }

    /// <inheritdoc />
    public bool RequiresNetwork => false;

    /// <summary>The Hugging Face hub cache at <paramref name="root"/> (default <c>HF_HUB_CACHE</c>, <c>$HF_HOME/hub</c>, <c>~/.cache/huggingface/hub</c>).</summary>
    public static LocalCacheSource HuggingFace(string? root = null)
    {
        string folder = root ?? HuggingFaceEnvironment.HubCache;
        return new LocalCacheSource("Hugging Face cache", folder, sha256 => Repositories(folder).Select(repo => Path.Combine(repo, "blobs", sha256)));
    }

    /// <summary>Ollama's model store at <paramref name="root"/> (default <c>OLLAMA_MODELS</c>, else <c>~/.ollama/models</c>).</summary>
    public static LocalCacheSource Ollama(string? root = null)
    {
        string folder = root ?? OllamaModels();
        return new LocalCacheSource("Ollama store", folder, sha256 => [Path.Combine(folder, "blobs", "sha256-" + sha256)]);
    }

    /// <inheritdoc />
    public ValueTask<AssetAvailability> ProbeAsync(AssetInfo asset, CancellationToken cancellationToken)
    {
        long? otherSize = null;
        foreach (string candidate in _candidates(asset.Sha256))
        {
            if (FileIdentity.Of(candidate) is not { IsRegular: true } found)
            {
                continue;
            }

            if (found.Size == asset.Size)
            {
                return ValueTask.FromResult(AssetAvailability.Yes(asset.Size));
            }

            otherSize = found.Size;
        }

        return ValueTask.FromResult(AssetAvailability.No(otherSize is { } size
            ? $"its blob has {size} bytes, the manifest says {asset.Size}."
            : $"no blob sha256 {asset.Sha256} in {Root}."));
    }

    /// <inheritdoc />
    public string? GetLocalPath(AssetInfo asset) =>
        _candidates(asset.Sha256).FirstOrDefault(c => FileIdentity.Of(c) is { IsRegular: true } found && found.Size == asset.Size);

    /// <inheritdoc />
    public ValueTask<AssetContent> OpenReadAsync(AssetInfo asset, long offset, CancellationToken cancellationToken) =>
        ValueTask.FromResult(AssetContent.FromFile(PathOf(asset), offset));

    /// <inheritdoc />
    public ValueTask<AssetContent> OpenRangeAsync(AssetInfo asset, long offset, long length, CancellationToken cancellationToken)
    {
        var whole = AssetContent.FromFile(PathOf(asset), offset);
        return ValueTask.FromResult(new AssetContent(whole.Stream, offset, length));
    }

    private string PathOf(AssetInfo asset) =>
        GetLocalPath(asset) ?? throw new AssetSourceException(AssetDiagnosticIds.NotInSource, $"the blob of sha256 {asset.Sha256} is gone from {Root}.");

    /// <summary>The repository folders of a hub cache (<c>models--ns--repo</c>; datasets are not models).</summary>
    private static IEnumerable<string> Repositories(string root)
    {
        try
        {
            return Directory.Exists(root) ? Directory.GetDirectories(root, "models--*") : [];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    private static string OllamaModels() =>
        Environment.GetEnvironmentVariable("OLLAMA_MODELS") is { } set && !string.IsNullOrWhiteSpace(set)
            ? set.Trim()
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".ollama", "models");
}
