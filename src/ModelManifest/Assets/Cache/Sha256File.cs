using System.Buffers;
using System.Security.Cryptography;
using Microsoft.Win32.SafeHandles;

namespace ModelManifest.Assets;

/// <summary>Hashes files fast: large buffers, and the next read overlaps hashing of the current chunk.</summary>
internal static class Sha256File
{
    internal const int BufferSize = 1 << 20;

    public static async Task<string> ComputeAsync(string path, CancellationToken cancellationToken)
    {
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, FileOptions.SequentialScan);
        return await ComputeAsync(handle, cancellationToken).ConfigureAwait(false);
    }

    public static async Task<string> ComputeAsync(SafeFileHandle handle, CancellationToken cancellationToken)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        await AppendAsync(hash, handle, RandomAccess.GetLength(handle), cancellationToken).ConfigureAwait(false);
        return Hex(hash);
    }

    /// <summary>Feeds the first <paramref name="length"/> bytes of a file into <paramref name="hash"/>.</summary>
    public static async Task AppendAsync(IncrementalHash hash, SafeFileHandle handle, long length, CancellationToken cancellationToken)
    {
        var current = ArrayPool<byte>.Shared.Rent(BufferSize);
        var next = ArrayPool<byte>.Shared.Rent(BufferSize);
        long offset = 0;
        var pending = ReadAt(handle, current, offset, length, cancellationToken);
        try
        {
            while (true)
            {
                var read = await pending.ConfigureAwait(false);
                if (read == 0)
                {
                    return;
                }

                offset += read;
                pending = ReadAt(handle, next, offset, length, cancellationToken);
                hash.AppendData(current, 0, read);
                (current, next) = (next, current);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(current);
            if (pending.IsCompleted)
            {
                ArrayPool<byte>.Shared.Return(next); // a read still running owns its buffer: it never goes back to the pool
            }
        }
    }

    private static Task<int> ReadAt(SafeFileHandle handle, byte[] buffer, long offset, long length, CancellationToken cancellationToken)
    {
        var count = (int)Math.Min(BufferSize, length - offset);
        return count <= 0
            ? Task.FromResult(0)
            : Task.Run(() => RandomAccess.Read(handle, buffer.AsSpan(0, count), offset), cancellationToken);
    }

    /// <summary>Finishes <paramref name="hash"/> as lowercase hex.</summary>
    public static string Hex(IncrementalHash hash) => System.Convert.ToHexString(hash.GetHashAndReset()).ToLowerInvariant();
}
