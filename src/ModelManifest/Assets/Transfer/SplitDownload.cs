using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;

namespace ModelManifest.Assets;

/// <summary>
/// Fetches one large asset from a source that serves byte ranges: parts over several connections at once, written at
/// their place in one preallocated private file, while one hasher follows the contiguous written prefix (reading it
/// back from the page cache — no second pass at the end) and starts the kernel's writeback of what every part has written.
/// </summary>
/// <remarks>
/// Connections: starts with <see cref="TransferOptions.InitialConnections"/> and doubles while the combined throughput
/// still grows by a tenth, up to <see cref="TransferOptions.MaxConnectionsPerAsset"/> and the source's share of
/// <see cref="TransferOptions.MaxConnectionsPerHost"/>. A part that fails resumes where it stopped; finished parts are
/// recorded in a <see cref="PartState"/> so a crash loses at most the parts in flight. A source that answers the first
/// range request with the whole asset is handed back to the caller as one stream, none of its bytes wasted.
/// </remarks>
internal sealed class SplitDownload
{
    private const double Growth = 1.1;

    // Throughput is compared over windows this long, counted only once every connection has delivered its first bytes:
    // a connection still opening — a long round trip, a TLS handshake — would make adding connections look useless.
    private static readonly TimeSpan s_growthWindow = TimeSpan.FromMilliseconds(100);
    private static readonly ConditionalWeakTable<IAssetSource, SemaphoreSlim> s_hostBudgets = new();

    private readonly AssetInfo _asset;
    private readonly IRangedAssetSource _source;
    private readonly DownloadFile _file;
    private readonly string _statePath;
    private readonly TransferOptions _transfer;
    private readonly AssetManagerOptions _options;
    private readonly Action<long> _progress;
    private readonly object _gate = new();
    private readonly List<Task> _workers = new();
    private readonly SemaphoreSlim _written = new(0);
    private readonly SemaphoreSlim _budget;
    private readonly System.Collections.Concurrent.ConcurrentQueue<int> _pending = new();
    private PartState _state = null!;
    private long[] _partBytes = Array.Empty<long>();
    private long _held;
    private long _streamedBytes; // bytes read while a response streams (after its first read), over every connection
    private long _streamingTicks; // the time those reads took, summed over connections (Stopwatch ticks)
    private int _started;
    private int _delivering;

    public SplitDownload(AssetInfo asset, IRangedAssetSource source, DownloadFile file, string statePath, AssetManagerOptions options, Action<long> progress)
    {
        _asset = asset;
        _source = source;
        _file = file;
        _statePath = statePath;
        _options = options;
        _transfer = options.Transfer;
        _progress = progress;
        _budget = s_hostBudgets.GetValue(source, _ => new SemaphoreSlim(Math.Max(1, options.Transfer.MaxConnectionsPerHost)));
    }

    /// <summary>How many connections were used at most (for logs and tests).</summary>
    public int ConnectionsUsed { get; private set; }

    /// <summary>
    /// Downloads and hashes the asset. Returns its sha256 and the bytes taken over from an earlier attempt, or — when the
    /// source answered with the whole asset instead of a range — that content, with the file emptied for one stream.
    /// </summary>
    public async Task<(string? Sha256, long ResumedFrom, AssetContent? Whole)> RunAsync(CancellationToken cancellationToken)
    {
        var handle = _file.Stream.SafeFileHandle;
        var identity = FileIdentity.Of(handle, _file.Path);
        var partSize = Math.Max(1, _transfer.PartSize);
        _state = Resume(identity, partSize);
        var resumedFrom = _state.DoneBytes;
        _partBytes = new long[_state.Count];
        for (int part = 0; part < _state.Count; part++)
        {
            if (_state.IsDone(part))
            {
                _partBytes[part] = _state.Length(part);
            }
            else
            {
                _pending.Enqueue(part);
            }
        }

        _held = resumedFrom;
        if (resumedFrom > 0)
        {
            _options.Log?.Invoke($"{_asset.Key}: resuming {_source.Name} with {resumedFrom} of {_asset.Size} bytes in finished parts.");
        }

        int? firstPart = null;
        AssetContent? first = null;
        if (_pending.TryDequeue(out var head))
        {
            // One request first: it tells whether the source really serves ranges before the file is laid out for parts.
            first = await _source.OpenRangeAsync(_asset, _state.Start(head), _state.Length(head), cancellationToken).ConfigureAwait(false);
            if (first.Length is null && first.Offset == 0)
            {
                _options.Log?.Invoke($"{_asset.Key}: {_source.Name} does not serve ranges; continuing as one stream.");
                _file.Stream.SetLength(0);
                NoFollowFile.Delete(_statePath);
                return (null, 0, first);
            }

            firstPart = head;
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        try
        {
            if (RandomAccess.GetLength(handle) != _asset.Size)
            {
                FileWriteback.Preallocate(_file.Stream, _asset.Size);
            }

            Save();
            if (first is not null)
            {
                await _budget.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch
        {
            first?.Dispose();
            throw;
        }

        var hasher = Task.Run(() => HashAsync(stop.Token), CancellationToken.None);
        if (firstPart is { } part0)
        {
            StartWorker(part0, first, stop);
            for (int i = 1; i < _transfer.InitialConnections && TryStartWorker(stop); i++)
            {
            }

            await GrowAsync(stop).ConfigureAwait(false);
            await JoinWorkersAsync(stop, hasher).ConfigureAwait(false);
        }

        var sha256 = await hasher.ConfigureAwait(false);
        _file.Stream.Flush(flushToDisk: _options.DurableWrites);
        return (sha256, resumedFrom, null);
    }

    /// <summary>The finished parts of an earlier attempt on this very file, or a fresh state (a plain prefix counts in whole parts).</summary>
    private PartState Resume(FileIdentity? identity, long partSize)
    {
        var fresh = new PartState(_asset.Size, partSize, identity?.Device ?? 0, identity?.Inode ?? 0);
        var length = _file.Stream.Length;
        if (identity is { } file && length == _asset.Size && PartState.TryRead(_statePath) is { } saved && saved.Describes(file, _asset.Size, partSize))
        {
            return saved;
        }

        if (length < _asset.Size)
        {
            // A file written as one stream holds a valid prefix: its whole parts are done.
            for (int part = 0; part < fresh.Count && fresh.Start(part) + fresh.Length(part) <= length; part++)
            {
                fresh.MarkDone(part);
            }
        }

        return fresh;
    }

    private void Save()
    {
        lock (_gate)
        {
            AtomicText.Write(_statePath, _state.ToString());
        }
    }

    private bool TryStartWorker(CancellationTokenSource stop)
    {
        if (_pending.IsEmpty || !_budget.Wait(0))
        {
            return false;
        }

        StartWorker(null, null, stop);
        return true;
    }

    private void StartWorker(int? part, AssetContent? content, CancellationTokenSource stop)
    {
        Interlocked.Increment(ref _started);
        lock (_workers)
        {
            _workers.Add(Task.Run(() => WorkAsync(part, content, stop), CancellationToken.None));
            ConnectionsUsed = Math.Max(ConnectionsUsed, _workers.Count(w => !w.IsCompleted));
        }
    }

    /// <summary>
    /// Doubles the connections while the combined throughput grows; stops at the first window that shows no gain. A window
    /// in which a connection has not delivered yet is no evidence either way and is not counted.
    /// </summary>
    private async Task GrowAsync(CancellationTokenSource stop)
    {
        double previousRate = 0;
        long previousBytes = Interlocked.Read(ref _streamedBytes);
        long previousTicks = Interlocked.Read(ref _streamingTicks);
        var warmingUp = true;
        try
        {
            while (!_pending.IsEmpty && ActiveWorkers < _transfer.MaxConnectionsPerAsset)
            {
                await Task.Delay(s_growthWindow, stop.Token).ConfigureAwait(false);
                var bytes = Interlocked.Read(ref _streamedBytes);
                var ticks = Interlocked.Read(ref _streamingTicks);
                if (Volatile.Read(ref _delivering) < Volatile.Read(ref _started))
                {
                    previousBytes = bytes;
                    previousTicks = ticks;
                    continue;
                }

                if (ticks == previousTicks || bytes == previousBytes)
                {
                    continue; // nothing streamed in this window: keep it open
                }

                // What the connections deliver while they stream, times how many there are: the wait for each part's
                // answer (a round trip per request) is left out, so a window in which some connections sit between
                // parts is not mistaken for a window in which more connections stopped helping.
                var rate = (bytes - previousBytes) / Stopwatch.GetElapsedTime(previousTicks, ticks).TotalSeconds * ActiveWorkers;
                previousBytes = bytes;
                previousTicks = ticks;
                if (warmingUp)
                {
                    // The first window holds connection set-up and slow start: it would make any growth look worthwhile.
                    warmingUp = false;
                    continue;
                }

                if (rate <= previousRate * Growth)
                {
                    _options.Log?.Invoke($"{_asset.Key}: staying at {ActiveWorkers} connections ({rate / 1e6:0.0} MB/s, {previousRate / 1e6:0.0} MB/s with fewer).");
                    return;
                }

                var add = Math.Min(ActiveWorkers, _transfer.MaxConnectionsPerAsset - ActiveWorkers);
                _options.Log?.Invoke($"{_asset.Key}: {rate / 1e6:0.0} MB/s over {ActiveWorkers} connections (before: {previousRate / 1e6:0.0} MB/s); adding {add}.");
                previousRate = rate;
                for (int i = 0; i < add && TryStartWorker(stop); i++)
                {
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // A worker failed (or the caller cancelled): the join reports why.
        }
    }

    private int ActiveWorkers
    {
        get
        {
            lock (_workers)
            {
                return _workers.Count(w => !w.IsCompleted);
            }
        }
    }

    private async Task JoinWorkersAsync(CancellationTokenSource stop, Task hasher)
    {
        Task[] workers;
        lock (_workers)
        {
            workers = _workers.ToArray();
        }

        try
        {
            await Task.WhenAll(workers).ConfigureAwait(false);
        }
        catch
        {
            stop.Cancel();
            try
            {
                await hasher.ConfigureAwait(false);
            }
            catch (Exception)
            {
                // The hasher stops because the workers did; their failure is the one to report.
            }

            var cause = workers.Where(w => w.IsFaulted).Select(w => w.Exception!.InnerException!).FirstOrDefault(e => e is not OperationCanceledException);
            if (cause is not null)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(cause);
            }

            throw;
        }
    }

    private async Task WorkAsync(int? part, AssetContent? content, CancellationTokenSource stop)
    {
        var buffer = new byte[Sha256File.BufferSize];
        var delivered = new StrongBox<bool>();
        try
        {
            while (part is { } current || _pending.TryDequeue(out current))
            {
                await FetchPartAsync(current, content, buffer, delivered, stop.Token).ConfigureAwait(false);
                content = null;
                part = null;
            }
        }
        catch
        {
            content?.Dispose();
            stop.Cancel();
            throw;
        }
        finally
        {
            if (!delivered.Value)
            {
                Interlocked.Increment(ref _delivering); // a worker that found nothing left to do holds no window back
            }

            _budget.Release();
        }
    }

    /// <summary>Fetches one part, resuming it where it stopped after a transient failure.</summary>
    private async Task FetchPartAsync(int part, AssetContent? content, byte[] buffer, StrongBox<bool> delivered, CancellationToken cancellationToken)
    {
        var start = _state.Start(part);
        var length = _state.Length(part);
        var failures = 0;
        while (Volatile.Read(ref _partBytes[part]) < length)
        {
            var before = Volatile.Read(ref _partBytes[part]);
            try
            {
                content ??= await _source.OpenRangeAsync(_asset, start + before, length - before, cancellationToken).ConfigureAwait(false);
                if (content.Offset != start + before || content.Length != length - before)
                {
                    var answered = content.Length is { } n ? $"bytes {content.Offset}-{content.Offset + n - 1}" : $"everything from byte {content.Offset}";
                    throw new AssetSourceException(AssetDiagnosticIds.TransportError, $"asked for bytes {start + before}-{start + length - 1}, the source answered with {answered}.");
                }

                await CopyAsync(content.Stream, part, start, length, buffer, delivered, cancellationToken).ConfigureAwait(false);
                if (Volatile.Read(ref _partBytes[part]) < length)
                {
                    throw new AssetSourceException(AssetDiagnosticIds.TransportError, $"the range from byte {start + before} ended at byte {start + Volatile.Read(ref _partBytes[part])} of {start + length}.", isTransient: true);
                }
            }
            catch (Exception e) when (CacheWriter.IsTransient(e, cancellationToken))
            {
                failures = Volatile.Read(ref _partBytes[part]) > before ? 1 : failures + 1;
                if (failures > _options.MaxResumeAttempts)
                {
                    throw e as AssetSourceException
                        ?? new AssetSourceException(AssetDiagnosticIds.TransportError, $"gave up after {failures} attempts at byte {start + Volatile.Read(ref _partBytes[part])} of {_asset.Size}: {e.Message}", innerException: e);
                }

                var delay = Backoff.Delay(_options.RetryDelay, failures);
                _options.Log?.Invoke($"{_asset.Key}: {_source.Name} failed in the part at byte {start} ({e.Message}); resuming it in {delay.TotalMilliseconds:0} ms.");
                await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                if (content is not null)
                {
                    await content.DisposeAsync().ConfigureAwait(false);
                    content = null;
                }
            }
        }

        lock (_gate)
        {
            _state.MarkDone(part);
        }

        Save();
    }

    private async Task CopyAsync(Stream input, int part, long start, long length, byte[] buffer, StrongBox<bool> delivered, CancellationToken cancellationToken)
    {
        var written = Volatile.Read(ref _partBytes[part]);
        long lastRead = 0; // the first read of a response waits for its answer: only the reads after it time the stream
        while (written < length)
        {
            var want = (int)Math.Min(buffer.Length, length - written);
            var read = 0;
            try
            {
                // Fill the buffer (fewer, larger writes), but keep what arrived when the connection breaks mid-buffer.
                for (int n; read < want && (n = await input.ReadAsync(buffer.AsMemory(read, want - read), cancellationToken).ConfigureAwait(false)) > 0;)
                {
                    read += n;
                    var now = Stopwatch.GetTimestamp();
                    if (lastRead != 0)
                    {
                        Interlocked.Add(ref _streamedBytes, n);
                        Interlocked.Add(ref _streamingTicks, now - lastRead);
                    }

                    lastRead = now;
                    if (!delivered.Value)
                    {
                        delivered.Value = true;
                        Interlocked.Increment(ref _delivering);
                    }
                }
            }
            catch (Exception e) when (read > 0 && !DiskSpace.IsFull(e))
            {
                await WriteAsync(part, start + written, buffer, read, cancellationToken).ConfigureAwait(false);
                throw;
            }

            if (read == 0)
            {
                return;
            }

            await WriteAsync(part, start + written, buffer, read, cancellationToken).ConfigureAwait(false);

            written += read;
            if (read < want)
            {
                return;
            }
        }
    }

    private async Task WriteAsync(int part, long position, byte[] buffer, int count, CancellationToken cancellationToken)
    {
        await RandomAccess.WriteAsync(_file.Stream.SafeFileHandle, buffer.AsMemory(0, count), position, cancellationToken).ConfigureAwait(false);
        Volatile.Write(ref _partBytes[part], Volatile.Read(ref _partBytes[part]) + count);
        _progress(Interlocked.Add(ref _held, count));
        if (_written.CurrentCount == 0)
        {
            _written.Release(); // wake the hasher
        }
    }

    /// <summary>Hashes the contiguous written prefix as it grows, and starts the writeback of what it has hashed.</summary>
    private async Task<string> HashAsync(CancellationToken cancellationToken)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var handle = _file.Stream.SafeFileHandle;
        var buffer = new byte[4 * Sha256File.BufferSize];
        var writtenBack = new long[_state.Count];
        long hashed = 0;
        var part = 0;
        while (hashed < _asset.Size)
        {
            StartWriteback(handle, writtenBack);
            while (part < _state.Count && Volatile.Read(ref _partBytes[part]) == _state.Length(part))
            {
                part++;
            }

            var frontier = part == _state.Count ? _asset.Size : _state.Start(part) + Volatile.Read(ref _partBytes[part]);
            if (frontier <= hashed)
            {
                await _written.WaitAsync(cancellationToken).ConfigureAwait(false);
                continue;
            }

            while (hashed < frontier)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var read = RandomAccess.Read(handle, buffer.AsSpan(0, (int)Math.Min(buffer.Length, frontier - hashed)), hashed);
                if (read <= 0)
                {
                    throw new IOException($"the download file ended at byte {hashed} of {_asset.Size}.");
                }

                hash.AppendData(buffer, 0, read);
                hashed += read;
            }
        }

        StartWriteback(handle, writtenBack);
        return Sha256File.Hex(hash);
    }

    /// <summary>
    /// Asks the kernel to start writing back what each part has written since it last asked, a step at a time, and a
    /// finished part's tail. Parts ahead of the hashed prefix count too: with several parts in flight the prefix lags
    /// them, and what is left dirty when the last byte lands is what the fsync before the rename waits for. Done here,
    /// in the hasher, so a congested disk never holds up a connection's reads.
    /// </summary>
    private void StartWriteback(Microsoft.Win32.SafeHandles.SafeFileHandle handle, long[] writtenBack)
    {
        if (!_options.DurableWrites)
        {
            return;
        }

        for (int p = 0; p < writtenBack.Length; p++)
        {
            var written = Volatile.Read(ref _partBytes[p]);
            if (written - writtenBack[p] >= FileWriteback.Step || (written == _state.Length(p) && written > writtenBack[p]))
            {
                FileWriteback.StartWriteback(handle, _state.Start(p) + writtenBack[p], written - writtenBack[p]);
                writtenBack[p] = written;
            }
        }
    }
}
