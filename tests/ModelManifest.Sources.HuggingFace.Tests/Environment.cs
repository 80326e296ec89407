namespace ModelManifest.Sources.HuggingFace.Tests;

/// <summary>Sets process environment variables for one test and restores them when disposed.</summary>
internal sealed class ScopedEnvironment : IDisposable
{
    private readonly Dictionary<string, string?> _previous = [];

    public ScopedEnvironment(params (string Name, string? Value)[] variables)
    {
        foreach (var (name, value) in variables)
        {
            _previous[name] = System.Environment.GetEnvironmentVariable(name);
            System.Environment.SetEnvironmentVariable(name, value);
        }
    }

    public void Dispose()
    {
        foreach (var (name, value) in _previous)
        {
            System.Environment.SetEnvironmentVariable(name, value);
        }
    }
}

/// <summary>Manifest assets of test bytes.</summary>
internal static class Assets
{
    public static AssetInfo Of(byte[] bytes, string fileName, string id = "weights") =>
        new() { Id = id, FileName = fileName, Size = bytes.Length, Sha256 = TestContent.Sha256(bytes) };
}
