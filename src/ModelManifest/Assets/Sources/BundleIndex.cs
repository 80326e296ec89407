using ModelManifest.IO;

namespace ModelManifest.Assets;

/// <summary>
/// The bundle index: a small JSON file next to the app (<see cref="FileName"/>) listing the assets the build copied or
/// linked into the output folder. The build writes it; <see cref="BundledAssetSource"/> reads it.
/// </summary>
/// <remarks>
/// <code>
/// {
///   "formatVersion": 1,
///   "assets": [
///     { "id": "aifs-single", "tag": "fp16", "sha256": "9f86…", "size": 1234, "path": "models/aifs-single.ckpt" }
///   ]
/// }
/// </code>
/// <c>path</c> is relative to the index's folder, uses '/' separators, and must stay inside that folder.
/// Readers accept any <c>formatVersion</c> 1 file and ignore unknown properties.
/// </remarks>
public sealed record BundleIndex
{
    /// <summary>The index file's name.</summary>
    public const string FileName = "modelmanifest.bundle.json";

    /// <summary>The format version this library writes and reads.</summary>
    public const int CurrentFormatVersion = 1;

    /// <summary>The format version of the file.</summary>
    [JsonPropertyName("formatVersion")]
    public int FormatVersion { get; init; } = CurrentFormatVersion;

    /// <summary>The bundled assets.</summary>
    [JsonPropertyName("assets")]
    public IReadOnlyList<BundleIndexEntry> Assets { get; init; } = Array.Empty<BundleIndexEntry>();

    /// <summary>Reads and validates an index file. Throws <see cref="AssetException"/> (<see cref="AssetDiagnosticIds.InvalidBundleIndex"/>) when malformed.</summary>
    public static BundleIndex Load(string path)
    {
        BundleIndex? index;
        try
        {
            using var stream = File.OpenRead(path);
            index = JsonSerializer.Deserialize(stream, BundleIndexJsonContext.Default.BundleIndex);
        }
        catch (JsonException e)
        {
            throw new AssetException(AssetDiagnosticIds.InvalidBundleIndex, $"'{path}' is not a valid bundle index: {e.Message}", innerException: e);
        }

        if (index is null || index.FormatVersion != CurrentFormatVersion)
        {
            throw new AssetException(AssetDiagnosticIds.InvalidBundleIndex, $"'{path}' has format version {index?.FormatVersion}; this reader understands {CurrentFormatVersion}.");
        }

        foreach (var entry in index.Assets)
        {
            if (entry is null || !AssetValidator.IsIdentifier(entry.Id) || (entry.Tag is not null && !AssetValidator.IsIdentifier(entry.Tag))
                || !AssetValidator.IsSha256(entry.Sha256) || entry.Size < 0 || !IsSafeRelativePath(entry.Path))
            {
                throw new AssetException(AssetDiagnosticIds.InvalidBundleIndex, $"'{path}' has an invalid entry '{AssetValidator.Printable(entry?.Id)}': id, tag, sha256, size and a relative path inside the bundle are required.");
            }
        }

        return index;
    }

    /// <summary>Writes the index atomically (unique temporary file, then rename): concurrent writers never collide.</summary>
    public void Save(string path) => AtomicFile.WriteAllBytes(path, ToUtf8Bytes());

    /// <summary>The index as the UTF-8 JSON that <see cref="Save"/> writes.</summary>
    internal byte[] ToUtf8Bytes() => JsonSerializer.SerializeToUtf8Bytes(this, BundleIndexJsonContext.Default.BundleIndex);

    /// <summary>Whether <paramref name="path"/> is relative, '/'-separated, and made of safe segments only.</summary>
    public static bool IsSafeRelativePath(string? path) =>
        !string.IsNullOrEmpty(path) && path.Length <= 1024 && !path.StartsWith('/') && path.Split('/').All(AssetValidator.IsSafeFileName);
}
