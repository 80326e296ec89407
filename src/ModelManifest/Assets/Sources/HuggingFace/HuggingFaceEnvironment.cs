namespace ModelManifest.Assets;

/// <summary>
/// The Hugging Face ecosystem's environment variables, read in one place with the defaults <c>huggingface_hub</c> uses:
/// <c>HF_ENDPOINT</c>, <c>HF_TOKEN</c>, <c>HF_TOKEN_PATH</c>, <c>HF_HOME</c>, <c>HF_HUB_CACHE</c>, <c>HF_HUB_OFFLINE</c>.
/// </summary>
internal static class HuggingFaceEnvironment
{
    /// <summary>The hub everyone means when nothing else is said.</summary>
    public const string DefaultEndpoint = "https://huggingface.co";

    /// <summary>Turns offline mode on like <c>MODELMANIFEST_OFFLINE</c> (read by <see cref="AssetManagerOptions"/>).</summary>
    public const string OfflineVariable = "HF_HUB_OFFLINE";

    /// <summary><c>HF_ENDPOINT</c> (a mirror, or a registry's hub-compatible endpoints), else the public hub.</summary>
    public static string Endpoint => Variable("HF_ENDPOINT") ?? DefaultEndpoint;

    /// <summary><c>HF_HOME</c>, else <c>$XDG_CACHE_HOME/huggingface</c>, else <c>~/.cache/huggingface</c>.</summary>
    public static string Home => Variable("HF_HOME")
        ?? Path.Combine(Variable("XDG_CACHE_HOME") ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache"), "huggingface");

    /// <summary>The hub cache folder (<c>models--ns--repo/blobs</c>, <c>snapshots</c>, <c>refs</c>): <c>HF_HUB_CACHE</c>, else <c>$HF_HOME/hub</c>.</summary>
    public static string HubCache => Variable("HF_HUB_CACHE") ?? Path.Combine(Home, "hub");

    /// <summary>Whether <c>HF_HUB_OFFLINE</c> is on (1, true, yes or on, as <c>huggingface_hub</c> reads it).</summary>
    public static bool IsOffline => Variable(OfflineVariable)?.ToUpperInvariant() is "1" or "TRUE" or "YES" or "ON";

    /// <summary>
    /// The user's token: <c>HF_TOKEN</c>, else the file <c>HF_TOKEN_PATH</c> names, else <c>$HF_HOME/token</c> (what
    /// <c>hf auth login</c> writes); <see langword="null"/> when none is set. Never printed.
    /// </summary>
    public static string? Token()
    {
        if (Variable("HF_TOKEN") is { } token)
        {
            return token;
        }

        string file = Variable("HF_TOKEN_PATH") ?? Path.Combine(Home, "token");
        try
        {
            return File.Exists(file) && File.ReadAllText(file).Trim() is { Length: > 0 } stored ? stored : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static string? Variable(string name) =>
        Environment.GetEnvironmentVariable(name) is { } value && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;
}
