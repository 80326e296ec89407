namespace ModelManifest.Registry.Http;

/// <summary>Checks the names taken from a route before anything uses them (400 MM3008 otherwise).</summary>
internal static class RouteNames
{
    public static string ModelId(string value) => Identifiers.IsModelId(value) ? value : throw RegistryException.InvalidName($"'{Shorten(value)}' is not a model id (letters, digits, then . _ : + -)");

    public static string Version(string value) => Identifiers.IsVersion(value) ? value : throw RegistryException.InvalidName($"'{Shorten(value)}' is not a semantic version (2.0)");

    public static string VersionOrAlias(string value) => Identifiers.IsVersion(value) || Identifiers.IsAlias(value) ? value : throw RegistryException.InvalidName($"'{Shorten(value)}' is neither a semantic version nor an alias name");

    public static string Alias(string value) => Identifiers.IsAlias(value) ? value : throw RegistryException.InvalidName($"'{Shorten(value)}' is not an alias or stage name ([a-z][a-z0-9-]{{0,62}})");

    public static string Sha256(string value) => Identifiers.IsSha256(value) ? value : throw RegistryException.InvalidName($"'{Shorten(value)}' is not a sha256 (64 lowercase hex digits)");

    /// <summary>A value safe to echo in one line: no control characters, at most 80 characters.</summary>
    public static string Shorten(string value)
    {
        string clean = new(value.Select(c => char.IsControl(c) ? '?' : c).ToArray());
        return clean.Length > 80 ? clean[..80] + "…" : clean;
    }
}
