using System.Security.Cryptography;
using System.Text;

namespace ModelManifest.Registry.Auth;

/// <summary>Makes token secrets (<c>mmr_</c> + base64url of 32 random bytes) and the sha256 hashes the store keeps instead.</summary>
internal static class TokenSecrets
{
    public const string Prefix = "mmr_";

    public static string NewSecret() => Prefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static string NewId() => "tok_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));

    public static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    /// <summary>Compares two hashes in constant time.</summary>
    public static bool SameHash(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(a), Encoding.ASCII.GetBytes(b));
}
