using System.Security.Cryptography;

namespace ModelManifest.Testing;

/// <summary>Deterministic pseudo-random file content (the same seed gives the same bytes) and its sha256.</summary>
public static class TestContent
{
    public static byte[] Bytes(int size, int seed)
    {
        var bytes = new byte[size];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    /// <summary>The sha256 as 64 lowercase hex characters, as manifests write it.</summary>
    public static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    /// <summary>Writes <paramref name="size"/> pseudo-random bytes to <paramref name="path"/> without holding them in memory; returns their sha256.</summary>
    public static string WriteLarge(string path, long size, int seed)
    {
        var random = new Random(seed);
        var buffer = new byte[1 << 20];
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using var file = File.Create(path);
        for (long written = 0; written < size; written += buffer.Length)
        {
            random.NextBytes(buffer);
            var count = (int)Math.Min(buffer.Length, size - written);
            file.Write(buffer, 0, count);
            hash.AppendData(buffer, 0, count);
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
