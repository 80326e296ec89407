using Microsoft.Extensions.Logging;
using ModelManifest.IO;

namespace ModelManifest.Assets;

/// <summary>
/// The sources the build resolved with (the app's <c>ModelAssetSource</c> items and those of the libraries it
/// references), recorded next to the app as <see cref="FileName"/> so that the runtime asks the same places without
/// declaring them twice.
/// </summary>
/// <remarks>
/// <code>
/// {
///   "formatVersion": 1,
///   "sources": [
///     { "location": "https://models.example/mirror/", "priority": 10, "settings": { "TokenEnvironmentVariable": "MODELS_TOKEN" } },
///     { "location": "/srv/models", "priority": 20 }
///   ]
/// }
/// </code>
/// Only locations are recorded (relative folders made absolute), with their settings — which name environment
/// variables and credential chains, never hold secrets. A location that carries user info or a query string (a
/// presigned URL, a SAS token) is never recorded. User source types (<c>Type</c>) are not recorded: register them in
/// code.
/// </remarks>
internal sealed record BuildSources
{
    /// <summary>The file's name, beside the bundle index in the app's folder.</summary>
    public const string FileName = "modelmanifest.sources.json";

    /// <summary>The format version this library writes and reads.</summary>
    public const int CurrentFormatVersion = 1;

    /// <summary>The format version of the file.</summary>
    [JsonPropertyName("formatVersion")]
    public int FormatVersion { get; init; } = CurrentFormatVersion;

    /// <summary>The sources, in the order the build declared them.</summary>
    [JsonPropertyName("sources")]
    public IReadOnlyList<BuildSourceEntry> Sources { get; init; } = Array.Empty<BuildSourceEntry>();

    /// <summary>Whether a location may be recorded: no user info, no query (which may hold credentials).</summary>
    public static bool IsRecordable(string location) => AssetSourceLocation.Redact(location) == location && !location.Contains('?', StringComparison.Ordinal);

    /// <summary>Reads the file in <paramref name="directory"/>; <see langword="null"/> when there is none.</summary>
    /// <exception cref="AssetException"><see cref="AssetDiagnosticIds.InvalidBundleIndex"/>: the file is malformed.</exception>
    public static BuildSources? Load(string directory)
    {
        string path = Path.Combine(directory, FileName);
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            using var stream = File.OpenRead(path);
            var sources = JsonSerializer.Deserialize(stream, BundleIndexJsonContext.Default.BuildSources);
            if (sources is null || sources.FormatVersion != CurrentFormatVersion || sources.Sources.Any(s => s is null || string.IsNullOrWhiteSpace(s.Location)))
            {
                throw new AssetException(AssetDiagnosticIds.InvalidBundleIndex, $"'{path}' is not a format version {CurrentFormatVersion} source list with a location per source.");
            }

            return sources;
        }
        catch (JsonException e)
        {
            throw new AssetException(AssetDiagnosticIds.InvalidBundleIndex, $"'{path}' is not a valid source list: {e.Message}", innerException: e);
        }
    }

    /// <summary>The file's UTF-8 JSON.</summary>
    public byte[] ToUtf8Bytes() => JsonSerializer.SerializeToUtf8Bytes(this, BundleIndexJsonContext.Default.BuildSources);

    /// <summary>Writes the file atomically, only when its content changed (no-op builds touch nothing).</summary>
    public void SaveIfChanged(string path) => AtomicFile.WriteIfChanged(path, ToUtf8Bytes());

    /// <summary>
    /// Builds each recorded source through the one factory. A source this process cannot build (its package is not
    /// referenced here, a setting this version does not know) is skipped with a warning: the others still serve.
    /// </summary>
    public List<(IAssetSource Source, int Priority)> CreateSources(ILogger logger)
    {
        var created = new List<(IAssetSource, int)>();
        foreach (BuildSourceEntry entry in Sources)
        {
            try
            {
                created.Add((AssetSourceFactory.Create(entry.Location, entry.Settings), entry.Priority));
            }
            catch (AssetException e)
            {
                logger.LogWarning("The build's source {Location} is not used: {Reason}", AssetSourceLocation.Redact(entry.Location), e.Message);
            }
        }

        return created;
    }
}

/// <summary>One recorded source.</summary>
internal sealed record BuildSourceEntry
{
    /// <summary>The location (a folder made absolute, or a URL).</summary>
    [JsonPropertyName("location")]
    public string Location { get; init; } = string.Empty;

    /// <summary>The priority (lower is asked first).</summary>
    [JsonPropertyName("priority")]
    public int Priority { get; init; }

    /// <summary>The settings (item metadata): names of variables and options, never secrets.</summary>
    [JsonPropertyName("settings")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Dictionary<string, string>? Settings { get; init; }
}
