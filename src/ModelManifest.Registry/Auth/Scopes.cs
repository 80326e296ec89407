namespace ModelManifest.Registry.Auth;

/// <summary>Token scopes: <c>write</c> implies <c>read</c>, <c>admin</c> implies both.</summary>
internal static class Scopes
{
    public const string Read = "read";
    public const string Write = "write";
    public const string Admin = "admin";

    public static readonly IReadOnlyList<string> All = [Read, Write, Admin];

    public static bool Grants(IEnumerable<string> held, string needed) => held.Any(s => s == needed || s == Admin || (s == Write && needed == Read));
}

/// <summary>Who made a request: a token's id and name and its scopes (anonymous readers have none).</summary>
internal sealed record Caller(string? TokenId, string Name, IReadOnlyList<string> Scopes)
{
    public static readonly Caller Anonymous = new(null, "anonymous", []);
}
