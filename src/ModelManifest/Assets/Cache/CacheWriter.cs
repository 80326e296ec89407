using System.Buffers;
using System.Net.Http;
using System.Security.Cryptography;

namespace ModelManifest.Assets;

/// <summary>
/// Streams one asset from one source into the cache: one pass that writes and hashes, resume from the bytes
/// already on disk after a transient failure, size and sha256 checked before the atomic rename. Large assets from
/// sources that serve ranges go through a <see cref="SplitDownload"/> (several connections, one file) instead.
/// </summary>
internal sealed class CacheWriter
{
    private readonly AssetCache _cache;
    private readonly AssetManagerOptions _options;

    public CacheWriter(AssetCache cache, AssetManagerOptions options)
    {
        _cache = cache;
        _options = options;
    }

    /// <summary>Downloads and publishes the blob; returns its cache path. Throws <see cref="AssetSourceException"/> when the source fails.</summary>
    /// <param name="asset">The validated asset.</param>
    /// <param name="source">The source to read from.</param>
    /// <param name="usePartial">True when the caller holds the digest's lock and may continue an interrupted download.</param>
    /// <param name="progress">Receives the bytes in hand.</param>
    /// <param name="cancellationToken">Stops the transfer; the bytes so far are kept for resuming.</param>
    public async Task<string> WriteAsync(AssetInfo asset, IAssetSource source, bool usePartial, Action<long> progress, CancellationToken cancellationToken)
    {
        var protocol = _cache.Protocol;
        if (source is ILocalFileAssetSource local && await TryLinkAsync(asset, local, progress, cancellationToken).ConfigureAwait(false) is { } linked)
        {
            return linked;
        }

        while (true)
        {
            // Always write a file only this process names; continuing a partial download means renaming it to such a name
            // first. A rename succeeds for one process only, so even where locks do nothing no two processes share a file.
            var file = protocol.Open(asset.Sha256, resume: usePartial);
            string actual;
            long resumedFrom;
            try
            {
                (actual, resumedFrom) = await DownloadAsync(asset, source, file, progress, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                var diskFull = DiskSpace.IsFull(e);
                protocol.Release(file, asset.Sha256, keep: usePartial && !diskFull);
                if (diskFull)
                {
                    // Not the source's fault and no other source can help: stop at once, and give the space back.
                    throw new AssetException(AssetDiagnosticIds.DiskFull, $"Asset '{asset.Key}' ({asset.Size} bytes): the cache volume is full ({AssetValidator.Printable(e.Message)}); the partial download was removed. Free space, prune the cache, or move it with {AssetCache.EnvironmentVariable}.", asset.Key, innerException: e);
                }

                throw;
            }

            if (actual == asset.Sha256)
            {
                return protocol.Commit(file, asset.Sha256);
            }

            protocol.Release(file, asset.Sha256, keep: false);
            if (resumedFrom > 0)
            {
                // The kept prefix may be what was wrong: retry once from zero before blaming the source.
                _options.Log?.Invoke($"{asset.Key}: resumed data did not verify; fetching again from the start.");
                usePartial = false;
                continue;
            }

            throw new AssetSourceException(AssetDiagnosticIds.HashMismatch, $"delivered bytes with sha256 {actual}, expected {asset.Sha256}; nothing was cached.");
        }
    }

    /// <summary>
    /// A file already on this machine (another tool's cache): linked in, hashed through the link, published only when it
    /// is the asset — a damaged blob is dropped and never served. <see langword="null"/> when it cannot be linked here
    /// (the bytes are then copied through the source's stream, and verified the same way).
    /// </summary>
    private async Task<string?> TryLinkAsync(AssetInfo asset, ILocalFileAssetSource source, Action<long> progress, CancellationToken cancellationToken)
    {
        if (source.GetLocalPath(asset) is not { } path || _cache.Protocol.TryLink(asset.Sha256, path) is not { } file)
        {
            return null;
        }

        string actual;
        try
        {
            actual = file.Stream.Length == asset.Size
                ? await Sha256File.ComputeAsync(file.Stream.SafeFileHandle, cancellationToken).ConfigureAwait(false)
                : $"(a file of {file.Stream.Length} bytes)";
        }
        catch
        {
            _cache.Protocol.Release(file, asset.Sha256, keep: false);
            throw;
        }

        if (actual != asset.Sha256)
        {
            _cache.Protocol.Release(file, asset.Sha256, keep: false);
            throw new AssetSourceException(AssetDiagnosticIds.HashMismatch, $"its file {path} has sha256 {actual}, expected {asset.Sha256}; it was not used.");
        }

        progress(asset.Size);
        _options.Log?.Invoke($"{asset.Key}: linked from {source.Name} after verifying its sha256.");
        return _cache.Protocol.Commit(file, asset.Sha256);
    }

    /// <summary>Split over several connections when the source serves ranges and the asset is large; otherwise (or when the source turns out not to) one stream.</summary>
    private async Task<(string Sha256, long ResumedFrom)> DownloadAsync(AssetInfo asset, IAssetSource source, DownloadFile file, Action<long> progress, CancellationToken cancellationToken)
    {
        var partsPath = _cache.Protocol.PartsPath(asset.Sha256);
        AssetContent? whole = null;
        if (_options.Transfer.Splits(source, asset.Size))
        {
            var split = new SplitDownload(asset, (IRangedAssetSource)source, file, partsPath, _options, progress);
            var (sha256, resumedFrom, content) = await split.RunAsync(cancellationToken).ConfigureAwait(false);
            if (sha256 is not null)
            {
                _options.Log?.Invoke($"{asset.Key}: fetched from {source.Name} over up to {split.ConnectionsUsed} connections.");
                return (sha256, resumedFrom);
            }

            whole = content;
        }
        else if (PartState.TryRead(partsPath) is { } parts && FileIdentity.Of(file.Stream.SafeFileHandle, file.Path) is { } identity
            && parts.Describes(identity, asset.Size, parts.PartSize))
        {
            // A split download left this file: only its contiguous finished prefix is known to be written.
            file.Stream.SetLength(parts.ContiguousPrefix);
            NoFollowFile.Delete(partsPath);
        }

        return await TransferAsync(asset, source, file.Stream, whole, progress, cancellationToken).ConfigureAwait(false);
    }

    private async Task<(string Sha256, long ResumedFrom)> TransferAsync(AssetInfo asset, IAssetSource source, FileStream file, AssetContent? first, Action<long> progress, CancellationToken cancellationToken)
    {
        // Unbuffered (the protocol opens it so): writes are 1 MiB chunks, and bytes must reach the kernel so a killed process leaves a resumable file.
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long offset = file.Length;
        if (offset > asset.Size)
        {
            file.SetLength(0);
            offset = 0;
        }

        if (offset > 0)
        {
            // Re-check before use: the kept bytes enter the digest, so a damaged prefix fails verification.
            await Sha256File.AppendAsync(hash, file.SafeFileHandle, offset, cancellationToken).ConfigureAwait(false);
            _options.Log?.Invoke($"{asset.Key}: resuming {source.Name} at byte {offset} of {asset.Size}.");
        }

        var resumedFrom = offset;
        file.Position = offset;
        int failures = 0;
        while (offset < asset.Size)
        {
            var before = offset;
            try
            {
                await using var content = first ?? await source.OpenReadAsync(asset, offset, cancellationToken).ConfigureAwait(false);
                first = null;
                if (content.Offset != offset)
                {
                    if (content.Offset != 0)
                    {
                        throw new AssetSourceException(AssetDiagnosticIds.TransportError, $"asked to resume at byte {offset}, the source started at byte {content.Offset}.");
                    }

                    // The source can only deliver the whole file: restart cleanly.
                    file.SetLength(0);
                    file.Position = 0;
                    hash.GetHashAndReset();
                    offset = resumedFrom = 0;
                }

                offset = await CopyAsync(content.Stream, file, hash, offset, asset.Size, _options.DurableWrites, progress, cancellationToken).ConfigureAwait(false);
                if (offset < asset.Size)
                {
                    throw new AssetSourceException(AssetDiagnosticIds.TransportError, $"the transfer ended after {offset} of {asset.Size} bytes.", isTransient: true);
                }
            }
            catch (Exception e) when (IsTransient(e, cancellationToken))
            {
                // Every byte written is also hashed, so the file length is exactly where to resume.
                offset = file.Position;
                failures = offset > before ? 1 : failures + 1;
                if (failures > _options.MaxResumeAttempts)
                {
                    throw e as AssetSourceException
                        ?? new AssetSourceException(AssetDiagnosticIds.TransportError, $"gave up after {failures} attempts at byte {offset} of {asset.Size}: {e.Message}", innerException: e);
                }

                var delay = Backoff.Delay(_options.RetryDelay, failures);
                _options.Log?.Invoke($"{asset.Key}: {source.Name} failed at byte {offset} ({e.Message}); resuming in {delay.TotalMilliseconds:0} ms.");
                await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            }
        }

        file.Flush(flushToDisk: _options.DurableWrites);
        return (Sha256File.Hex(hash), resumedFrom);
    }

    /// <summary>
    /// Copies with two buffers so the next network read overlaps writing and hashing the current chunk. The buffers are
    /// pooled: fetching many assets must not allocate two fresh megabyte arrays each (large-object churn forces full
    /// collections). With <paramref name="writeBack"/>, the kernel is asked to start writing each written step to disk,
    /// so the fsync before the rename does not wait for the whole file.
    /// </summary>
    private static async Task<long> CopyAsync(Stream input, FileStream file, IncrementalHash hash, long offset, long size, bool writeBack, Action<long> progress, CancellationToken cancellationToken)
    {
        long writtenBack = offset;
        var current = ArrayPool<byte>.Shared.Rent(Sha256File.BufferSize);
        var next = ArrayPool<byte>.Shared.Rent(Sha256File.BufferSize);
        var pending = FillAsync(input, current, cancellationToken);
        long reported = offset;
        try
        {
            while (true)
            {
                var read = await pending.ConfigureAwait(false);
                if (read == 0)
                {
                    progress(offset);
                    return offset;
                }

                if (offset + read > size)
                {
                    throw new AssetSourceException(AssetDiagnosticIds.SizeMismatch, $"delivered more than the expected {size} bytes.");
                }

                pending = FillAsync(input, next, cancellationToken);
                file.Write(current, 0, read);
                hash.AppendData(current, 0, read);
                offset += read;
                if (writeBack && offset - writtenBack >= FileWriteback.Step)
                {
                    FileWriteback.StartWriteback(file.SafeFileHandle, writtenBack, offset - writtenBack);
                    writtenBack = offset;
                }

                if (offset - reported >= 1 << 20)
                {
                    reported = offset;
                    progress(offset);
                }

                (current, next) = (next, current);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(current);
            if (pending.IsCompleted)
            {
                ArrayPool<byte>.Shared.Return(next);
            }
            else
            {
                // The caller disposes the stream; observe the read it abandons, and leave its buffer to it (never back in the pool).
                _ = pending.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            }
        }
    }

    /// <summary>Reads until the buffer is full or the body ends: fewer, larger writes and hash calls than network-sized chunks.</summary>
    private static Task<int> FillAsync(Stream input, byte[] buffer, CancellationToken cancellationToken) =>
        input.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken).AsTask();

    /// <summary>Whether resuming the same source may help: a dropped connection, a time-out, a truncated body — not a full disk or a wrong answer.</summary>
    internal static bool IsTransient(Exception e, CancellationToken cancellationToken) => e switch
    {
        AssetSourceException s => s.IsTransient,
        OperationCanceledException => !cancellationToken.IsCancellationRequested,
        IOException io when DiskSpace.IsFull(io) => false,
        IOException or HttpRequestException or TimeoutException => true,
        _ => false,
    };
}
