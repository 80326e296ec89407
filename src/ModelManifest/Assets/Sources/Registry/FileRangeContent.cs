using System.Net;
using System.Net.Http;

namespace ModelManifest.Assets;

/// <summary>
/// An HTTP request body of <c>[offset, offset + length)</c> of a local file, streamed (never held in memory) with a
/// known <c>Content-Length</c>, reporting the bytes sent: a whole blob for <c>PUT</c>, or one chunk of a resumable upload.
/// </summary>
internal sealed class FileRangeContent : HttpContent
{
    private const int BufferSize = 1 << 20;
    private readonly string _path;
    private readonly long _offset;
    private readonly long _length;
    private readonly Action<long>? _sent;

    /// <summary>Creates the body; <paramref name="sent"/> receives the bytes of this body sent so far.</summary>
    public FileRangeContent(string path, long offset, long length, Action<long>? sent)
    {
        _path = path;
        _offset = offset;
        _length = length;
        _sent = sent;
        Headers.ContentType = new("application/octet-stream");
    }

    /// <inheritdoc />
    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        await SerializeToStreamAsync(stream, context, CancellationToken.None).ConfigureAwait(false);

    /// <inheritdoc />
    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        await using var file = new FileStream(_path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 1, FileOptions.Asynchronous | FileOptions.SequentialScan);
        if (file.Length < _offset + _length)
        {
            throw new IOException($"{_path} has {file.Length} bytes, fewer than the {_offset + _length} being uploaded (was it changed?)");
        }

        file.Position = _offset;
        byte[] buffer = new byte[(int)Math.Min(BufferSize, Math.Max(1, _length))];
        long done = 0;
        while (done < _length)
        {
            int read = await file.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, _length - done)), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                throw new IOException($"{_path} ended after {_offset + done} bytes while being uploaded (was it changed?)");
            }

            await stream.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
            done += read;
            _sent?.Invoke(done);
        }
    }

    /// <inheritdoc />
    protected override bool TryComputeLength(out long length)
    {
        length = _length;
        return true;
    }
}
