using System;

namespace ModelManifest.Reading;

/// <summary>
/// Decides whether an asset file name is one safe, portable path segment: it is joined to cache and
/// bundle folders, so it must never climb out of them or mean a device on any OS.
/// </summary>
internal static class SafeFileName
{
    /// <summary>Longest accepted name (common file system limit).</summary>
    public const int MaxLength = 255;

    private static readonly string[] s_reservedDeviceNames =
    {
        "CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$",
        "COM0", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9",
        "LPT0", "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9",
        "COM\u00B9", "COM\u00B2", "COM\u00B3", "LPT\u00B9", "LPT\u00B2", "LPT\u00B3",
    };

    /// <summary>Returns why <paramref name="name"/> is unsafe, or <see langword="null"/> when it is safe.</summary>
    public static string? GetProblem(string? name)
    {
        if (name is null || name.Length == 0)
        {
            return "it is empty";
        }

        if (name.Length > MaxLength)
        {
            return "it is longer than " + MaxLength + " characters";
        }

        if (name == "." || name == "..")
        {
            return "'.' and '..' name directories, not files";
        }

        foreach (char c in name)
        {
            if (c < 0x20 || c == 0x7F)
            {
                return "it contains the control character U+" + ((int)c).ToString("X4", System.Globalization.CultureInfo.InvariantCulture);
            }

            // Bidi embeddings, overrides and isolates reorder what a listing shows ("gpt.exe" can display as
            // "exe.tpg"), so a name could disguise itself as another one.
            if (c is >= '\u202A' and <= '\u202E' or >= '\u2066' and <= '\u2069')
            {
                return "it contains the bidirectional control character U+" + ((int)c).ToString("X4", System.Globalization.CultureInfo.InvariantCulture) + ", which disguises names in listings";
            }

            switch (c)
            {
                case '/':
                case '\\':
                    return "it contains a directory separator ('" + c + "'); a file name must be a single path segment";
                case ':':
                    return "it contains ':' (a drive or alternate data stream on Windows)";
                case '<':
                case '>':
                case '"':
                case '|':
                case '?':
                case '*':
                    return "it contains '" + c + "', which Windows does not allow in file names";
            }
        }

        if (name.Contains(".."))
        {
            return "it contains '..'";
        }

        if (char.IsWhiteSpace(name[0]) || char.IsWhiteSpace(name[name.Length - 1]) || name[name.Length - 1] == '.')
        {
            return "it starts or ends with white space, or ends with '.'";
        }

        int dot = name.IndexOf('.');
        string stem = (dot < 0 ? name : name.Substring(0, dot)).TrimEnd(' ');
        foreach (string reserved in s_reservedDeviceNames)
        {
            if (string.Equals(stem, reserved, StringComparison.OrdinalIgnoreCase))
            {
                return "'" + reserved + "' is a reserved device name on Windows";
            }
        }

        return null;
    }
}
