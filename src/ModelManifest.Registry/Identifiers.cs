using System.Text.RegularExpressions;

namespace ModelManifest.Registry;

/// <summary>
/// The shapes of every name the API takes from a path or body (REGISTRY-API.md): model ids as the manifest schema
/// defines them, semver 2.0 versions, alias and stage names, sha256 digests. Anything else is refused before it
/// reaches a query or a file path, so a path-traversal or SQL-ish string never gets further than this check.
/// </summary>
internal static partial class Identifiers
{
    public static bool IsModelId(string? value) => value is { Length: > 0 and <= 200 } && ModelIdPattern().IsMatch(value);

    public static bool IsVersion(string? value) => value is { Length: > 0 and <= 256 } && VersionPattern().IsMatch(value);

    public static bool IsAlias(string? value) => value is not null && AliasPattern().IsMatch(value);

    public static bool IsSha256(string? value) => value is { Length: 64 } && Sha256Pattern().IsMatch(value);

    public static bool IsNamespace(string? value) => value is { Length: > 0 and <= 96 } && NamespacePattern().IsMatch(value);

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._:+-]*$", RegexOptions.CultureInvariant)]
    private static partial Regex ModelIdPattern();

    // semver.org's recommended pattern, the one the manifest schema uses.
    [GeneratedRegex(@"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$", RegexOptions.CultureInvariant)]
    private static partial Regex VersionPattern();

    [GeneratedRegex("^[a-z][a-z0-9-]{0,62}$", RegexOptions.CultureInvariant)]
    private static partial Regex AliasPattern();

    [GeneratedRegex("^[0-9a-f]{64}$", RegexOptions.CultureInvariant)]
    private static partial Regex Sha256Pattern();

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]*$", RegexOptions.CultureInvariant)]
    private static partial Regex NamespacePattern();
}
