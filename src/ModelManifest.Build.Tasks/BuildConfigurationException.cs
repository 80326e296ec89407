namespace ModelManifest.Build.Tasks;

/// <summary>A configuration problem reported as one MSBuild error.</summary>
internal sealed class BuildConfigurationException(string code, string? file, string message) : Exception(message)
{
    public string Code { get; } = code;

    public string? File { get; } = file;
}
