using System.Text.RegularExpressions;

namespace ModelManifest.Assets;

/// <summary>
/// Rejects asset descriptions that could escape a folder or break a URL before any file or socket is touched.
/// The engine calls it on every entry point; the rules mirror the manifest schema.
/// </summary>
public static partial class AssetValidator
{
    private static readonly HashSet<string> s_reservedDeviceNames = new(StringComparer.OrdinalIgnoreCase)
    {
        "CON", "PRN", "AUX", "NUL",
        "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9",
        "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9",
    };

    /// <summary>Throws <see cref="AssetException"/> (<see cref="AssetDiagnosticIds.InvalidAsset"/>) unless the asset is safe to use.</summary>
    public static void Validate(AssetInfo asset)
    {
        ArgumentNullException.ThrowIfNull(asset);
        var problem = FindProblem(asset);
        if (problem is not null)
        {
            throw new AssetException(AssetDiagnosticIds.InvalidAsset, $"Asset '{Printable(asset.Id)}' is rejected: {problem}.");
        }
    }

    /// <summary>Returns why the asset is unsafe, or <see langword="null"/> when it is fine.</summary>
    public static string? FindProblem(AssetInfo asset)
    {
        ArgumentNullException.ThrowIfNull(asset);
        if (!IsIdentifier(asset.Id))
        {
            return "the id must be 1-200 characters: a letter or digit, then letters, digits, '.', '_', ':', '+' or '-'";
        }

        if (asset.Tag is not null && !IsIdentifier(asset.Tag))
        {
            return "the tag must be 1-200 characters: a letter or digit, then letters, digits, '.', '_', ':', '+' or '-'";
        }

        if (!IsSafeFileName(asset.FileName))
        {
            return "the file name must be a single path segment of 1-255 characters without separators, '..', control characters or reserved device names";
        }

        if (!IsSha256(asset.Sha256))
        {
            return "sha256 must be 64 lowercase hexadecimal characters";
        }

        return asset.Size < 0 ? "the size must not be negative" : null;
    }

    /// <summary>Whether <paramref name="sha256"/> is 64 lowercase hexadecimal characters.</summary>
    public static bool IsSha256(string? sha256) => sha256 is not null && Sha256Pattern().IsMatch(sha256);

    /// <summary>Whether <paramref name="value"/> matches the manifest identifier rule.</summary>
    public static bool IsIdentifier(string? value) => value is not null && value.Length <= 200 && IdentifierPattern().IsMatch(value);

    /// <summary>Whether <paramref name="fileName"/> is one safe path segment on every supported OS.</summary>
    public static bool IsSafeFileName(string? fileName)
    {
        if (string.IsNullOrEmpty(fileName) || fileName.Length > 255 || fileName is "." or "..")
        {
            return false;
        }

        foreach (var c in fileName)
        {
            // Separators, drive colons, wildcard/reserved characters on Windows, and every control character including NUL.
            if (char.IsControl(c) || c is '/' or '\\' or ':' or '*' or '?' or '"' or '<' or '>' or '|')
            {
                return false;
            }
        }

        // Windows strips trailing dots and spaces, which would let two names map to one file.
        if (fileName[^1] is '.' or ' ' || fileName[0] == ' ')
        {
            return false;
        }

        var stem = fileName.Split('.')[0];
        return !s_reservedDeviceNames.Contains(stem);
    }

    /// <summary>Combines <paramref name="root"/> and relative <paramref name="segments"/> and proves the result stays inside <paramref name="root"/>.</summary>
    internal static string? CombineInside(string root, params string[] segments)
    {
        var fullRoot = Path.TrimEndingDirectorySeparator(Path.GetFullPath(root));
        var combined = Path.GetFullPath(Path.Combine([fullRoot, .. segments]));
        var prefix = fullRoot + Path.DirectorySeparatorChar;
        var comparison = OperatingSystem.IsWindows() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        return combined.StartsWith(prefix, comparison) ? combined : null;
    }

    /// <summary>Makes a value safe to echo in a message: control characters escaped, length capped.</summary>
    internal static string Printable(string? value)
    {
        if (value is null)
        {
            return "(null)";
        }

        var capped = value.Length > 80 ? value[..80] + "…" : value;
        return string.Concat(capped.Select(c => char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString()));
    }

    [GeneratedRegex("^[0-9a-f]{64}$", RegexOptions.CultureInvariant)]
    private static partial Regex Sha256Pattern();

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._:+-]*$", RegexOptions.CultureInvariant)]
    private static partial Regex IdentifierPattern();
}
