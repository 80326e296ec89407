namespace ModelManifest.Assets;

/// <summary>
/// <c>hf://namespace/repo[@revision]</c>: a Hugging Face hub repository. Setting <c>Endpoint</c> overrides
/// <c>HF_ENDPOINT</c> (a mirror, or a registry's hub-compatible endpoints); the token comes from <c>HF_TOKEN</c>,
/// <c>HF_TOKEN_PATH</c> or <c>$HF_HOME/token</c>, never from the location or a setting.
/// </summary>
internal sealed class HuggingFaceSourceProvider : IAssetSourceProvider
{
    /// <summary>The hub's base URL instead of <c>HF_ENDPOINT</c>.</summary>
    public const string EndpointKey = "Endpoint";

    /// <inheritdoc />
    public IReadOnlyList<string> Schemes { get; } = ["hf"];

    /// <inheritdoc />
    public IReadOnlyCollection<string>? SettingNames { get; } = [EndpointKey];

    /// <inheritdoc />
    public IAssetSource CreateSource(AssetSourceLocation location) =>
        new HuggingFaceAssetSource(HuggingFaceRepository.Parse(location, location.GetSetting(EndpointKey)));
}
