namespace ModelManifest.Assets;

/// <summary>
/// A read-only body stream that owns its response and bounds the time a slow server can cost: it fails with
/// <see cref="TimeoutException"/> (transient: the download resumes) when no byte arrives for the stall time-out, and with a
/// non-transient <see cref="AssetSourceException"/> (the next source is asked) when the bytes of a whole throughput window
/// average less than the minimum rate — a server trickling one byte every few seconds never trips a stall time-out.
/// </summary>
internal sealed class StallGuardStream : Stream
{
    private readonly Stream _inner;
    private readonly IDisposable _owner;
    private readonly TimeSpan _stallTimeout;
    private readonly long _minimumBytesPerSecond;
    private readonly TimeSpan _window;
    private long _windowStart = System.Diagnostics.Stopwatch.GetTimestamp();
    private long _windowBytes;

    // One timer source reused across reads (re-armed per read): a new linked source and timer for every network read
    // cost more than the read itself at loopback speeds.
    private CancellationTokenSource? _stall;
    private CancellationToken _stallFor;

    public StallGuardStream(Stream inner, IDisposable owner, TimeSpan stallTimeout, long minimumBytesPerSecond = 0, TimeSpan window = default)
    {
        _inner = inner;
        _owner = owner;
        _stallTimeout = stallTimeout;
        _minimumBytesPerSecond = window > TimeSpan.Zero ? minimumBytesPerSecond : 0;
        _window = window;
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_stall is null || _stallFor != cancellationToken || !_stall.TryReset())
        {
            _stall?.Dispose();
            _stall = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            _stallFor = cancellationToken;
        }

        _stall.CancelAfter(_stallTimeout);
        try
        {
            var read = await _inner.ReadAsync(buffer, _stall.Token).ConfigureAwait(false);
            CheckThroughput(read);
            return read;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"no bytes arrived for {_stallTimeout.TotalSeconds:0.#} s.");
        }
    }

    /// <summary>At each completed read: once a window is over, its bytes must reach the minimum rate; then a new window starts.</summary>
    private void CheckThroughput(int read)
    {
        if (_minimumBytesPerSecond <= 0)
        {
            return;
        }

        _windowBytes += read;
        var elapsed = System.Diagnostics.Stopwatch.GetElapsedTime(_windowStart);
        if (elapsed < _window || read == 0)
        {
            return;
        }

        var rate = _windowBytes / elapsed.TotalSeconds;
        if (rate < _minimumBytesPerSecond)
        {
            throw new AssetSourceException(AssetDiagnosticIds.TransportError, $"too slow: {rate:0} bytes/s over {elapsed.TotalSeconds:0} s, below the minimum of {_minimumBytesPerSecond} bytes/s; giving up this source.");
        }

        _windowStart = System.Diagnostics.Stopwatch.GetTimestamp();
        _windowBytes = 0;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count, CancellationToken.None).GetAwaiter().GetResult();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
            _owner.Dispose();
            _stall?.Dispose();
        }

        base.Dispose(disposing);
    }
}
