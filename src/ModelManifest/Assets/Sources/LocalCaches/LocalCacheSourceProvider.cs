namespace ModelManifest.Assets;

/// <summary>
/// Names a local cache explicitly, for a folder other than its default: <c>hf-cache://</c> (the Hugging Face hub cache:
/// <c>HF_HUB_CACHE</c>, <c>$HF_HOME/hub</c>, <c>~/.cache/huggingface/hub</c>) and <c>ollama-store://</c>
/// (<c>OLLAMA_MODELS</c>, <c>~/.ollama/models</c>), each optionally followed by an absolute folder
/// (<c>hf-cache:///data/hf/hub</c>).
/// </summary>
internal sealed class LocalCacheSourceProvider : IAssetSourceProvider
{
    /// <inheritdoc />
    public IReadOnlyList<string> Schemes { get; } = ["hf-cache", "ollama-store"];

    /// <inheritdoc />
    public IReadOnlyCollection<string>? SettingNames { get; } = [];

    /// <inheritdoc />
    public IAssetSource CreateSource(AssetSourceLocation location)
    {
        string rest = location.Text[(location.Text.IndexOf("://", StringComparison.Ordinal) + 3)..];
        string? folder = rest.Length == 0 ? null : rest;
        if (folder is not null && !Path.IsPathFullyQualified(folder))
        {
            throw location.Invalid($"names a folder that is not absolute: write {location.Scheme}:// for the default folder or {location.Scheme}:///absolute/folder");
        }

        return location.Scheme == "ollama-store" ? LocalCacheSource.Ollama(folder) : LocalCacheSource.HuggingFace(folder);
    }
}
