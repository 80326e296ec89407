using System.Text.RegularExpressions;

namespace ModelManifest.Assets;

/// <summary>
/// A source location as a user wrote it (after <c>--source</c>, in a <c>ModelAssetSource</c> item or in configuration),
/// with its settings (item metadata or configuration keys), handed to an <see cref="IAssetSourceProvider"/>.
/// </summary>
public sealed partial class AssetSourceLocation
{
    private readonly Dictionary<string, string> _settings;

    internal AssetSourceLocation(string text, string scheme, IReadOnlyDictionary<string, string>? settings, string baseDirectory)
    {
        Text = text;
        Scheme = scheme;
        BaseDirectory = baseDirectory;
        _settings = settings is null
            ? new(StringComparer.OrdinalIgnoreCase)
            : new(settings.Where(p => !string.IsNullOrWhiteSpace(p.Value)), StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>The location as written (trimmed). May hold user info or a query: print <see cref="Printable"/> instead.</summary>
    public string Text { get; }

    /// <summary>The scheme that selected the provider (lower case, without <c>:</c>): the URL's own or the <c>Kind</c> setting.</summary>
    public string Scheme { get; }

    /// <summary>The folder relative paths are relative to.</summary>
    public string BaseDirectory { get; }

    /// <summary>The location without user info or query (presigned signatures, SAS tokens), safe for messages.</summary>
    public string Printable => Redact(Text);

    /// <summary>A setting by case-insensitive key; empty or whitespace values count as absent (MSBuild's unset metadata is empty).</summary>
    public string? GetSetting(string key) => _settings.TryGetValue(key, out string? value) ? value.Trim() : null;

    /// <summary>A boolean setting (<c>true</c>/<c>false</c>, <c>1</c>/<c>0</c>, <c>yes</c>/<c>no</c>), or <paramref name="defaultValue"/> when absent.</summary>
    /// <exception cref="AssetException">The value is not a boolean.</exception>
    public bool GetBooleanSetting(string key, bool defaultValue)
    {
        string? value = GetSetting(key);
        return value?.ToLowerInvariant() switch
        {
            null => defaultValue,
            "true" or "1" or "yes" or "on" => true,
            "false" or "0" or "no" or "off" => false,
            _ => throw Invalid($"has {key} '{value}', which is not true or false"),
        };
    }

    /// <summary>The <see cref="AssetDiagnosticIds.InvalidSourceLocation"/> error for this location: "The source location '…' <paramref name="problem"/>."</summary>
    public AssetException Invalid(string problem) =>
        new(AssetDiagnosticIds.InvalidSourceLocation, $"The source location '{Printable}' {problem}.");

    /// <summary>The location without user info or query, for messages.</summary>
    internal static string Redact(string text)
    {
        if (!UrlPrefix().IsMatch(text))
        {
            return text;
        }

        int query = text.IndexOf('?', StringComparison.Ordinal);
        string head = query < 0 ? text : text[..query] + "?REDACTED";
        return UserInfo().Replace(head, "${scheme}://");
    }

    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9+.\-]+:", RegexOptions.CultureInvariant)]
    private static partial Regex UrlPrefix();

    /// <summary>User info after "scheme://" (which may be a credential), for redaction without trusting a URL parser.</summary>
    [GeneratedRegex(@"^(?<scheme>[A-Za-z][A-Za-z0-9+.\-]+)://[^/?#@]*@", RegexOptions.CultureInvariant)]
    private static partial Regex UserInfo();
}
