namespace ModelManifest.Assets;

/// <summary>
/// A read-only window <c>[offset, offset + length)</c> of a local file, reporting the bytes read so far — the body of one
/// monolithic PUT or one chunk PATCH of a blob upload.
/// </summary>
internal sealed class OciUploadStream : Stream
{
    private readonly FileStream _file;
    private readonly long _end;
    private readonly Action<long>? _read;

    public OciUploadStream(string path, long offset, long length, Action<long>? read)
    {
        _file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan);
        _file.Position = offset;
        _end = offset + length;
        Length = length;
        _read = read;
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length { get; }

    public override long Position
    {
        get => Length - (_end - _file.Position);
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        int n = _file.Read(buffer[..Window(buffer.Length)]);
        _read?.Invoke(n);
        return n;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        int n = await _file.ReadAsync(buffer[..Window(buffer.Length)], cancellationToken).ConfigureAwait(false);
        _read?.Invoke(n);
        return n;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

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
            _file.Dispose();
        }

        base.Dispose(disposing);
    }

    private int Window(int wanted) => (int)Math.Min(wanted, Math.Max(0, _end - _file.Position));
}
