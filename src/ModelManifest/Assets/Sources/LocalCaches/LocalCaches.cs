namespace ModelManifest.Assets;

/// <summary>
/// The caches users already have — the Hugging Face cache and Ollama's store — as sources every front end (CLI fetch,
/// build task, DI) puts first in line by default: no network, so offline-safe, and bytes already on disk are linked in
/// rather than downloaded again. Off with <c>MODELMANIFEST_LOCAL_CACHES=0</c>, or each front end's own switch.
/// </summary>
internal static class LocalCaches
{
    /// <summary>0, false, no or off turns the local caches off (the front ends' own switches win when set).</summary>
    public const string EnvironmentVariable = "MODELMANIFEST_LOCAL_CACHES";

    /// <summary>First in line: before every configured source; only an app's own bundle (<see cref="int.MinValue"/>) comes earlier.</summary>
    public const int Priority = int.MinValue + 1;

    /// <summary>Whether the environment leaves the local caches on (the default).</summary>
    public static bool IsEnabledByEnvironment =>
        Environment.GetEnvironmentVariable(EnvironmentVariable)?.Trim().ToLowerInvariant() is not ("0" or "false" or "no" or "off");

    /// <summary>The sources at their default folders, those that exist (a tool never installed adds no line to error messages).</summary>
    public static IAssetSource[] Create() =>
        [.. new[] { LocalCacheSource.HuggingFace(), LocalCacheSource.Ollama() }.Where(source => Directory.Exists(source.Root))];

    /// <summary>Adds the sources first in line to <paramref name="manager"/> when <paramref name="enabled"/>.</summary>
    public static void AddTo(AssetManager manager, bool enabled)
    {
        if (!enabled)
        {
            return;
        }

        foreach (IAssetSource source in Create())
        {
            manager.AddSource(source, Priority);
        }
    }
}
