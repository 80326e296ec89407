using System.Buffers;
using System.Security.Cryptography;

namespace ModelManifest.Checkpoints;

/// <summary>One-pass SHA-256 of a file with a large pooled buffer.</summary>
public static class Sha256Hasher
{
    private const int BufferSize = 1 << 20;

    /// <summary>Hashes the file at <paramref name="path"/>; <paramref name="progress"/> receives bytes hashed so far.</summary>
    public static string HashFile(string path, IProgress<long>? progress = null, CancellationToken cancellationToken = default) =>
        HashFileCounted(path, progress, cancellationToken).Sha256;

    /// <summary>Hashes the file and returns the hash with the number of bytes it covers (the size from the same read).</summary>
    internal static (string Sha256, long Length) HashFileCounted(string path, IProgress<long>? progress = null, CancellationToken cancellationToken = default)
    {
        using var stream = new FileStream(path, new FileStreamOptions
        {
            Mode = FileMode.Open,
            Access = FileAccess.Read,
            Share = FileShare.Read | FileShare.Delete,
            BufferSize = 0,
            Options = FileOptions.SequentialScan,
        });
        return HashCounted(stream, progress, cancellationToken);
    }

    /// <summary>Hashes a stream from its current position to its end; returns 64 lowercase hex characters.</summary>
    public static string Hash(Stream stream, IProgress<long>? progress = null, CancellationToken cancellationToken = default) =>
        HashCounted(stream, progress, cancellationToken).Sha256;

    private static (string Sha256, long Length) HashCounted(Stream stream, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            long total = 0;
            int read;
            while ((read = stream.Read(buffer, 0, BufferSize)) > 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                hash.AppendData(buffer, 0, read);
                total += read;
                progress?.Report(total);
            }

            return (Convert.ToHexString(hash.GetHashAndReset()).ToLowerInvariant(), total);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
