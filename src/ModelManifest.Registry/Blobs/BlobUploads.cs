using System.Collections.Concurrent;
using System.Security.Cryptography;
using ModelManifest.Registry.Http;
using ModelManifest.Registry.Telemetry;

namespace ModelManifest.Registry.Blobs;

/// <summary>
/// Receives blob bytes: streams them into a temporary file in the upload folder while hashing, checks the sha256 and
/// the length, flushes to disk and only then hands the file to the <see cref="IBlobStore"/>. Bytes that fail the check
/// are deleted; a process killed mid-upload leaves only a temporary that no read ever sees (and start-up removes).
/// Resumable uploads keep a <c>&lt;hex&gt;.partial</c> file that grows chunk by chunk and becomes the blob when whole.
/// </summary>
internal sealed class BlobUploads(RegistryOptions options, IBlobStore store, RegistryTelemetry telemetry, ILogger<BlobUploads> logger)
{
    private const int BufferSize = 1 << 20;
    private const string TemporaryPrefix = "upload-";
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _partialLocks = new(StringComparer.Ordinal);

    /// <summary>Removes temporaries of uploads a previous process did not finish (resumable partials are kept).</summary>
    public void RemoveAbandonedTemporaries()
    {
        Directory.CreateDirectory(options.UploadDirectory);
        foreach (string file in Directory.EnumerateFiles(options.UploadDirectory, TemporaryPrefix + "*"))
        {
            TryDelete(file);
        }
    }

    /// <summary>Stores <paramref name="body"/> as blob <paramref name="sha256"/>; false when the store already had it.</summary>
    public async Task<bool> PutAsync(string sha256, Stream body, long length, CancellationToken cancellationToken)
    {
        if (await store.GetSizeAsync(sha256, cancellationToken) is not null)
        {
            telemetry.BlobsDeduplicated.Add(1);
            return false;
        }

        string temp = NewTemporary();
        try
        {
            long written;
            string actual;
            await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.Asynchronous))
            {
                (written, actual) = await CopyHashingAsync(body, file, cancellationToken);
                file.Flush(flushToDisk: true);
            }

            Verify(sha256, actual, length, written);
            await store.CommitAsync(sha256, temp, written, cancellationToken);
            telemetry.BlobBytesStored.Add(written);
            logger.LogInformation("Stored blob {Sha256} ({Bytes} bytes)", sha256, written);
            return true;
        }
        finally
        {
            TryDelete(temp);
        }
    }

    /// <summary>Bytes a resumable upload of <paramref name="sha256"/> holds, or <see langword="null"/> when there is none.</summary>
    public long? GetOffset(string sha256)
    {
        var file = new FileInfo(PartialPath(sha256));
        return file.Exists ? file.Length : null;
    }

    /// <summary>
    /// Appends one chunk (<paramref name="start"/>..<paramref name="end"/> of <paramref name="total"/>) to the resumable
    /// upload; when the upload is whole, verifies it and makes it the blob. Returns the bytes held and whether it is done.
    /// </summary>
    public async Task<(long Offset, bool Completed)> AppendAsync(string sha256, Stream body, long start, long end, long total, CancellationToken cancellationToken)
    {
        if (total > options.MaxBlobBytes)
        {
            throw new RegistryException(StatusCodes.Status413PayloadTooLarge, RegistryErrors.BodyTooLarge, $"blob sha256:{sha256} of {total} bytes is larger than the {options.MaxBlobBytes} bytes this registry accepts");
        }

        SemaphoreSlim gate = _partialLocks.GetOrAdd(sha256, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        try
        {
            string partial = PartialPath(sha256);
            long held = File.Exists(partial) ? new FileInfo(partial).Length : 0;
            if (start != held)
            {
                var problem = new RegistryException(StatusCodes.Status416RangeNotSatisfiable, RegistryErrors.UploadOffsetMismatch,
                    $"the chunk of sha256:{sha256} starts at byte {start} but the upload holds {held} bytes: resume from {held}");
                problem.Headers["Upload-Offset"] = held.ToString(System.Globalization.CultureInfo.InvariantCulture);
                throw problem;
            }

            await using (var file = new FileStream(partial, FileMode.Append, FileAccess.Write, FileShare.None, 1, FileOptions.Asynchronous))
            {
                try
                {
                    await CopyAsync(body, file, end - start + 1, cancellationToken);
                }
                finally
                {
                    // What arrived is kept (flushed) even when the chunk broke off: the client resumes from it.
                    file.Flush(flushToDisk: true);
                }
            }

            held = new FileInfo(partial).Length;
            if (held > total)
            {
                TryDelete(partial);
                throw new RegistryException(StatusCodes.Status400BadRequest, RegistryErrors.DigestMismatch, $"the upload of sha256:{sha256} holds {held} bytes, more than the declared total {total}: discarded");
            }

            if (held < total)
            {
                return (held, false);
            }

            string actual;
            await using (var file = new FileStream(partial, FileMode.Open, FileAccess.Read, FileShare.Read, BufferSize, FileOptions.Asynchronous | FileOptions.SequentialScan))
            {
                actual = Convert.ToHexStringLower(await SHA256.HashDataAsync(file, cancellationToken));
            }

            try
            {
                Verify(sha256, actual, total, held);
                await store.CommitAsync(sha256, partial, held, cancellationToken);
                telemetry.BlobBytesStored.Add(held);
            }
            finally
            {
                TryDelete(partial);
            }

            return (held, true);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Makes a file the registry downloaded itself (register by URL) a blob after checking its hash.</summary>
    public async Task<(string Sha256, long Size)> ImportAsync(string file, CancellationToken cancellationToken)
    {
        string temp = NewTemporary();
        try
        {
            File.Copy(file, temp);
            string sha256;
            await using (var stream = new FileStream(temp, FileMode.Open, FileAccess.Read, FileShare.Read, BufferSize, FileOptions.Asynchronous | FileOptions.SequentialScan))
            {
                sha256 = Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken));
            }

            long size = new FileInfo(temp).Length;
            if (await store.GetSizeAsync(sha256, cancellationToken) is null)
            {
                await store.CommitAsync(sha256, temp, size, cancellationToken);
            }

            return (sha256, size);
        }
        finally
        {
            TryDelete(temp);
        }
    }

    private static void Verify(string declared, string actual, long declaredLength, long received)
    {
        if (received != declaredLength)
        {
            throw new RegistryException(StatusCodes.Status400BadRequest, RegistryErrors.DigestMismatch, $"blob sha256:{declared}: received {received} bytes, declared {declaredLength}: nothing stored");
        }

        if (!string.Equals(declared, actual, StringComparison.Ordinal))
        {
            throw new RegistryException(StatusCodes.Status400BadRequest, RegistryErrors.DigestMismatch, $"blob declared as sha256:{declared} hashes to sha256:{actual}: nothing stored");
        }
    }

    private static async Task<(long Written, string Sha256)> CopyHashingAsync(Stream source, Stream target, CancellationToken cancellationToken)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        byte[] buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            long written = 0;
            int read;
            while ((read = await source.ReadAsync(buffer, cancellationToken)) > 0)
            {
                hash.AppendData(buffer, 0, read);
                await target.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                written += read;
            }

            return (written, Convert.ToHexStringLower(hash.GetHashAndReset()));
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static async Task CopyAsync(Stream source, Stream target, long limit, CancellationToken cancellationToken)
    {
        byte[] buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            long left = limit;
            int read;
            while (left > 0 && (read = await source.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, left)), cancellationToken)) > 0)
            {
                await target.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                left -= read;
            }
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private string PartialPath(string sha256) => Path.Combine(options.UploadDirectory, sha256 + ".partial");

    private string NewTemporary() => Path.Combine(options.UploadDirectory, TemporaryPrefix + Guid.NewGuid().ToString("N"));

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
