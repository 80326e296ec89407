using Amazon.S3.Model;

namespace ModelManifest.Sources.S3;

/// <summary>
/// The body of a GetObject response, owning the response, with a stall time-out: a read that gets no byte for that long
/// fails with <see cref="TimeoutException"/>, which the engine treats as transient and resumes from the bytes it holds
/// (the SDK's own time-out covers only the wait for the response headers).
/// </summary>
internal sealed class S3ObjectStream : Stream
{
    private readonly GetObjectResponse _response;
    private readonly Stream _body;
    private readonly TimeSpan _stallTimeout;

    // One timer source re-armed per read: a new linked source for every read costs more than the read at loopback speeds.
    private CancellationTokenSource? _stall;
    private CancellationToken _stallFor;

    public S3ObjectStream(GetObjectResponse response, TimeSpan stallTimeout)
    {
        _response = response;
        _body = response.ResponseStream;
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
            return await _body.ReadAsync(buffer, _stall.Token).ConfigureAwait(false);
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
            _body.Dispose();
            _response.Dispose();
            _stall?.Dispose();
        }

        base.Dispose(disposing);
    }
}
