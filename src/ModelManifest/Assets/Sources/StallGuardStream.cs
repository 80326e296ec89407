namespace ModelManifest.Assets;

/// <summary>A read-only body stream that fails with <see cref="TimeoutException"/> when no byte arrives for a while, and owns its response.</summary>
internal sealed class StallGuardStream : Stream
{
    private readonly Stream _inner;
    private readonly IDisposable _owner;
    private readonly TimeSpan _stallTimeout;

    // One timer source reused across reads (re-armed per read): a new linked source and timer for every network read
    // cost more than the read itself at loopback speeds.
    private CancellationTokenSource? _stall;
    private CancellationToken _stallFor;

    public StallGuardStream(Stream inner, IDisposable owner, TimeSpan stallTimeout)
    {
        _inner = inner;
        _owner = owner;
        _stallTimeout = stallTimeout;
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
            return await _inner.ReadAsync(buffer, _stall.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"no bytes arrived for {_stallTimeout.TotalSeconds:0.#} s.");
        }
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
