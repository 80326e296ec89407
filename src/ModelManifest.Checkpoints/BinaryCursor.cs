using System.Buffers.Binary;
using System.Text;

namespace ModelManifest.Checkpoints;

/// <summary>
/// Forward reader over a seekable stream that knows the stream's length, so every length, count and skip is
/// checked against the bytes that actually remain before anything is allocated. Any violation becomes a
/// <see cref="CheckpointFormatException"/> with the offset where it was found.
/// </summary>
internal sealed class BinaryCursor
{
    private readonly Stream _stream;
    private readonly byte[] _buffer;
    private readonly CheckpointFormat _format;
    private long _bufferStart;   // stream offset of _buffer[0]
    private int _bufferCount;    // valid bytes in _buffer
    private int _bufferPos;      // read position inside _buffer

    public BinaryCursor(Stream stream, CheckpointFormat format, int bufferSize = 64 * 1024)
    {
        if (!stream.CanRead || !stream.CanSeek)
        {
            throw new ArgumentException("The stream must be readable and seekable.", nameof(stream));
        }

        _stream = stream;
        _format = format;
        _buffer = new byte[bufferSize];
        Length = stream.Length;
        _bufferStart = stream.Position;
    }

    /// <summary>Total length of the stream.</summary>
    public long Length { get; }

    /// <summary>Current absolute offset.</summary>
    public long Position => _bufferStart + _bufferPos;

    /// <summary>Bytes between <see cref="Position"/> and the end of the stream.</summary>
    public long Remaining => Length - Position;

    public CheckpointFormatException Error(string reason) => new(_format, Position, reason);

    public CheckpointFormatException Error(long offset, string reason) => new(_format, offset, reason);

    /// <summary>Throws unless <paramref name="count"/> bytes remain.</summary>
    public void Require(long count, string what)
    {
        if (count < 0 || count > Remaining)
        {
            throw Error($"{what} needs {count} bytes but only {Remaining} remain (file length {Length})");
        }
    }

    public void Seek(long offset)
    {
        if (offset < 0 || offset > Length)
        {
            throw Error($"offset {offset} is outside the file (length {Length})");
        }

        if (offset >= _bufferStart && offset <= _bufferStart + _bufferCount)
        {
            _bufferPos = (int)(offset - _bufferStart);
            return;
        }

        _bufferStart = offset;
        _bufferCount = 0;
        _bufferPos = 0;
    }

    public void Skip(long count, string what)
    {
        Require(count, what);
        Seek(Position + count);
    }

    /// <summary>Fills <paramref name="destination"/> completely or throws (truncation).</summary>
    public void ReadExactly(Span<byte> destination, string what)
    {
        Require(destination.Length, what);
        while (destination.Length > 0)
        {
            if (_bufferPos == _bufferCount)
            {
                Fill(what);
            }

            int n = Math.Min(destination.Length, _bufferCount - _bufferPos);
            _buffer.AsSpan(_bufferPos, n).CopyTo(destination);
            _bufferPos += n;
            destination = destination[n..];
        }
    }

    private void Fill(string what)
    {
        _bufferStart += _bufferCount;
        _bufferPos = 0;
        _bufferCount = 0;
        _stream.Position = _bufferStart;
        int read = _stream.Read(_buffer, 0, _buffer.Length);
        if (read <= 0)
        {
            throw Error($"unexpected end of file while reading {what}");
        }

        _bufferCount = read;
    }

    public byte ReadByte(string what)
    {
        if (_bufferPos == _bufferCount)
        {
            Require(1, what);
            Fill(what);
        }

        return _buffer[_bufferPos++];
    }

    public uint ReadUInt32(string what)
    {
        Span<byte> b = stackalloc byte[4];
        ReadExactly(b, what);
        return BinaryPrimitives.ReadUInt32LittleEndian(b);
    }

    public ulong ReadUInt64(string what)
    {
        Span<byte> b = stackalloc byte[8];
        ReadExactly(b, what);
        return BinaryPrimitives.ReadUInt64LittleEndian(b);
    }

    /// <summary>Reads <paramref name="count"/> bytes, refusing counts beyond the file or beyond <paramref name="max"/>.</summary>
    public byte[] ReadBytes(ulong count, long max, string what)
    {
        long start = Position;
        if (count > (ulong)max)
        {
            throw Error(start, $"{what} length {count} exceeds the limit of {max} bytes");
        }

        Require((long)count, what);
        var bytes = new byte[(int)count];
        ReadExactly(bytes, what);
        return bytes;
    }

    public string ReadUtf8(ulong count, long max, string what)
    {
        long start = Position;
        byte[] bytes = ReadBytes(count, max, what);
        try
        {
            return s_strictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException e)
        {
            throw new CheckpointFormatException(_format, start, $"{what} is not valid UTF-8", e);
        }
    }

    /// <summary>Reads a protobuf base-128 varint (at most 10 bytes).</summary>
    public ulong ReadVarint(string what)
    {
        long start = Position;
        ulong result = 0;
        for (int shift = 0; shift < 70; shift += 7)
        {
            byte b = ReadByte(what);
            result |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return result;
            }
        }

        throw Error(start, $"{what}: varint longer than 10 bytes");
    }

    internal static readonly UTF8Encoding s_strictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
}
