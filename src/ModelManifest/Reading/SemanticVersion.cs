using System;
using System.Collections.Generic;
using System.Globalization;

namespace ModelManifest;

/// <summary>
/// A semantic version (semver 2.0) with semver precedence: build metadata is ignored when ordering,
/// a pre-release sorts before its release. Shared source: also compiled into the generator (netstandard2.0).
/// </summary>
public sealed class SemanticVersion : IComparable<SemanticVersion>, IEquatable<SemanticVersion>
{
    private SemanticVersion(ulong major, ulong minor, ulong patch, string[] preRelease, string? build, string text)
    {
        Major = major;
        Minor = minor;
        Patch = patch;
        PreReleaseIdentifiers = preRelease;
        Build = build;
        Text = text;
    }

    /// <summary>Major version.</summary>
    public ulong Major { get; }

    /// <summary>Minor version.</summary>
    public ulong Minor { get; }

    /// <summary>Patch version.</summary>
    public ulong Patch { get; }

    /// <summary>Dot-separated pre-release identifiers; empty for a release.</summary>
    public IReadOnlyList<string> PreReleaseIdentifiers { get; }

    /// <summary>Build metadata after '+', or <see langword="null"/>.</summary>
    public string? Build { get; }

    /// <summary>The text the version was parsed from.</summary>
    public string Text { get; }

    /// <summary>Whether this is a pre-release.</summary>
    public bool IsPreRelease => PreReleaseIdentifiers.Count > 0;

    /// <summary>Parses a semantic version or throws <see cref="FormatException"/>.</summary>
    public static SemanticVersion Parse(string text)
        => TryParse(text, out var version) ? version! : throw new FormatException("'" + text + "' is not a semantic version (semver 2.0), for example 1.2.0.");

    /// <summary>Parses a semantic version strictly (no leading zeros, no 'v' prefix, three numeric parts).</summary>
    public static bool TryParse(string? text, out SemanticVersion? version)
    {
        version = null;
        if (text is null || text.Length == 0 || text.Length > 256)
        {
            return false;
        }

        string core = text;
        string? build = null;
        int plus = core.IndexOf('+');
        if (plus >= 0)
        {
            build = core.Substring(plus + 1);
            core = core.Substring(0, plus);
            if (!AreIdentifiers(build, allowLeadingZeros: true))
            {
                return false;
            }
        }

        string[] pre = Array.Empty<string>();
        int dash = core.IndexOf('-');
        if (dash >= 0)
        {
            string preText = core.Substring(dash + 1);
            core = core.Substring(0, dash);
            if (!AreIdentifiers(preText, allowLeadingZeros: false))
            {
                return false;
            }

            pre = preText.Split('.');
        }

        string[] parts = core.Split('.');
        if (parts.Length != 3
            || !TryParseNumber(parts[0], out ulong major)
            || !TryParseNumber(parts[1], out ulong minor)
            || !TryParseNumber(parts[2], out ulong patch))
        {
            return false;
        }

        version = new SemanticVersion(major, minor, patch, pre, build, text);
        return true;
    }

    private static bool TryParseNumber(string part, out ulong value)
    {
        value = 0;
        if (part.Length == 0 || (part.Length > 1 && part[0] == '0'))
        {
            return false;
        }

        foreach (char c in part)
        {
            if (c < '0' || c > '9')
            {
                return false;
            }
        }

        return ulong.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }

    private static bool AreIdentifiers(string text, bool allowLeadingZeros)
    {
        foreach (string id in text.Split('.'))
        {
            if (id.Length == 0)
            {
                return false;
            }

            bool numeric = true;
            foreach (char c in id)
            {
                bool digit = c >= '0' && c <= '9';
                if (!(digit || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-'))
                {
                    return false;
                }

                numeric &= digit;
            }

            if (numeric && !allowLeadingZeros && id.Length > 1 && id[0] == '0')
            {
                return false;
            }
        }

        return true;
    }

    /// <inheritdoc/>
    public int CompareTo(SemanticVersion? other)
    {
        if (other is null)
        {
            return 1;
        }

        int c = Major.CompareTo(other.Major);
        if (c == 0) c = Minor.CompareTo(other.Minor);
        if (c == 0) c = Patch.CompareTo(other.Patch);
        if (c != 0)
        {
            return c;
        }

        if (PreReleaseIdentifiers.Count == 0 || other.PreReleaseIdentifiers.Count == 0)
        {
            return other.PreReleaseIdentifiers.Count.CompareTo(PreReleaseIdentifiers.Count) switch
            {
                0 => 0,
                _ when PreReleaseIdentifiers.Count == 0 => 1,
                _ => -1,
            };
        }

        int n = Math.Min(PreReleaseIdentifiers.Count, other.PreReleaseIdentifiers.Count);
        for (int i = 0; i < n; i++)
        {
            string a = PreReleaseIdentifiers[i];
            string b = other.PreReleaseIdentifiers[i];
            bool aNum = ulong.TryParse(a, NumberStyles.None, CultureInfo.InvariantCulture, out ulong an);
            bool bNum = ulong.TryParse(b, NumberStyles.None, CultureInfo.InvariantCulture, out ulong bn);
            int r = aNum && bNum ? an.CompareTo(bn)
                : aNum ? -1
                : bNum ? 1
                : string.CompareOrdinal(a, b);
            if (r != 0)
            {
                return r;
            }
        }

        return PreReleaseIdentifiers.Count.CompareTo(other.PreReleaseIdentifiers.Count);
    }

    /// <summary>Semver equality: same precedence (build metadata ignored).</summary>
    public bool Equals(SemanticVersion? other) => other is not null && CompareTo(other) == 0;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as SemanticVersion);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        unchecked
        {
            int h = (int)Major * 397 ^ (int)Minor * 31 ^ (int)Patch;
            foreach (string id in PreReleaseIdentifiers)
            {
                h = h * 31 + StringComparer.Ordinal.GetHashCode(id);
            }

            return h;
        }
    }

    /// <inheritdoc/>
    public override string ToString() => Text;
}
