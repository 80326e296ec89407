namespace ModelManifest.Assets;

/// <summary>What one source said when asked for an asset.</summary>
/// <param name="SourceName">The source's <see cref="IAssetSource.Name"/>.</param>
/// <param name="Code">A stable error code (<see cref="AssetDiagnosticIds"/>), or <see langword="null"/> when the source served the asset.</param>
/// <param name="Message">What happened, free of credentials and URL signatures.</param>
public sealed record SourceAttempt(string SourceName, string? Code, string Message)
{
    /// <inheritdoc />
    public override string ToString() => Code is null ? $"{SourceName}: {Message}" : $"{SourceName}: {Code} {Message}";
}
