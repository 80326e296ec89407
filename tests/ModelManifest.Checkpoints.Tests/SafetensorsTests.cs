using System.Buffers.Binary;
using System.Text;
using ModelManifest.Checkpoints;

namespace ModelManifest.Checkpoints.Tests;

public sealed class SafetensorsTests
{
    [Fact]
    public void Written_file_reads_back_names_dtypes_shapes_offsets_and_metadata()
    {
        byte[] file = TestFiles.Safetensors();
        SafetensorsHeader h = SafetensorsReader.Read(TestFiles.Open(file));

        Assert.Equal(["embed.weight", "position_ids", "scale"], h.Tensors.Select(t => t.Name));
        Assert.Equal(["F32", "I64", "F16"], h.Tensors.Select(t => t.DataType));
        Assert.Equal([4L, 3L], h.Tensors[0].Shape.ToArray());
        Assert.Empty(h.Tensors[2].Shape);
        Assert.Equal(12 + 5 + 1, h.ParameterCount);
        Assert.Equal("pt", h.Metadata["format"]);
        Assert.Equal(0, h.HeaderLength % 8);
        Assert.Equal(h.DataStart, h.Tensors[0].DataOffset);
        Assert.Equal(file.Length, h.Tensors[2].DataOffset + h.Tensors[2].ByteLength);
        Assert.Empty(SafetensorsReader.Check(h));

        byte[] data = SafetensorsReader.ReadTensorData(TestFiles.Open(file), h.Tensors[0]);
        Assert.Equal(2.5f, BitConverter.ToSingle(data, 5 * 4));
    }

    [Fact]
    public void Truncation_at_every_offset_is_a_clean_error()
    {
        byte[] file = TestFiles.Safetensors();
        for (int length = 0; length < file.Length; length++)
        {
            CheckpointFormatException e = TestFiles.AssertCleanError(SafetensorsReader.Read, file[..length]);
            Assert.InRange(e.Offset, 0, file.Length);
        }
    }

    [Theory]
    [InlineData(ulong.MaxValue)]
    [InlineData(4UL << 30)]
    [InlineData(200_000_000UL)]
    public void Absurd_header_length_is_rejected_without_allocating_it(ulong headerLength)
    {
        byte[] file = TestFiles.Safetensors();
        BinaryPrimitives.WriteUInt64LittleEndian(file, headerLength);
        CheckpointFormatException e = TestFiles.AssertCleanError(SafetensorsReader.Read, file, maxAllocated: 1 << 20);
        Assert.Equal(0, e.Offset);
        Assert.Contains("header length", e.Reason);
    }

    [Fact]
    public void Header_length_over_100_MB_is_rejected_even_when_the_file_is_that_long()
    {
        // A sparse-looking stream: length is large but only the prefix matters.
        using var stream = new LargeZeroStream(150_000_000, prefix: BitConverter.GetBytes(120_000_000UL));
        var e = Assert.Throws<CheckpointFormatException>(() => SafetensorsReader.Read(stream));
        Assert.Contains("limit", e.Reason);
    }

    [Fact]
    public void Tensor_offset_past_the_end_names_the_tensor_and_offset()
    {
        byte[] file = Raw("""{"w":{"dtype":"F32","shape":[4],"data_offsets":[0,16]},"x":{"dtype":"F32","shape":[1],"data_offsets":[16,1000000]}}""", dataLength: 20);
        CheckpointFormatException e = TestFiles.AssertCleanError(SafetensorsReader.Read, file);
        Assert.Contains("'x'", e.Reason);
        Assert.True(e.Offset > 8);
    }

    [Theory]
    [InlineData("""{"w":{"dtype":"F32","shape":[4]}}""")]
    [InlineData("""{"w":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}""")]
    [InlineData("""{"w":{"dtype":"F32","shape":[4],"data_offsets":[8,4]}}""")]
    [InlineData("""{"w":{"dtype":"F32","shape":[9223372036854775807, 4],"data_offsets":[0,4]}}""")]
    [InlineData("""[1,2,3]""")]
    [InlineData("""{"w": """)]
    [InlineData("""{"__metadata__": 5}""")]
    public void Malformed_headers_are_clean_errors(string header)
    {
        TestFiles.AssertCleanError(SafetensorsReader.Read, Raw(header, dataLength: 16));
    }

    [Fact]
    public void Check_finds_size_mismatch_overlap_hole_unknown_dtype_and_trailing_bytes()
    {
        byte[] file = Raw("""
            {"a":{"dtype":"F32","shape":[2],"data_offsets":[0,12]},
             "b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]},
             "c":{"dtype":"Q9","shape":[1],"data_offsets":[16,20]}}
            """, dataLength: 24);
        IReadOnlyList<string> problems = SafetensorsReader.Check(SafetensorsReader.Read(TestFiles.Open(file)));
        Assert.Contains(problems, p => p.Contains("'a'") && p.Contains("needs 8"));
        Assert.Contains(problems, p => p.Contains("'b'") && p.Contains("overlaps"));
        Assert.Contains(problems, p => p.Contains("hole of 4 bytes"));
        Assert.Contains(problems, p => p.Contains("unknown dtype 'Q9'"));
        Assert.Contains(problems, p => p.Contains("file is"));
    }

    [Fact]
    public void Random_byte_flips_never_escape_as_other_exceptions() =>
        TestFiles.FuzzBytes(TestFiles.Safetensors(), seed: 20261123, iterations: 2000, window: 200, SafetensorsReader.Read);

    internal static byte[] Raw(string header, int dataLength)
    {
        byte[] json = Encoding.UTF8.GetBytes(header);
        var file = new byte[8 + json.Length + dataLength];
        BinaryPrimitives.WriteUInt64LittleEndian(file, (ulong)json.Length);
        json.CopyTo(file, 8);
        return file;
    }
}

/// <summary>A read-only stream of a given length: a prefix, then zeros, with nothing allocated for the rest.</summary>
internal sealed class LargeZeroStream(long length, byte[] prefix) : Stream
{
    public override bool CanRead => true;
    public override bool CanSeek => true;
    public override bool CanWrite => false;
    public override long Length => length;
    public override long Position { get; set; }

    public override int Read(byte[] buffer, int offset, int count)
    {
        int n = (int)Math.Min(count, Math.Max(0, length - Position));
        for (int i = 0; i < n; i++)
        {
            long p = Position + i;
            buffer[offset + i] = p < prefix.Length ? prefix[p] : (byte)0;
        }

        Position += n;
        return n;
    }

    public override long Seek(long offset, SeekOrigin origin) => Position = origin switch
    {
        SeekOrigin.Begin => offset,
        SeekOrigin.Current => Position + offset,
        _ => length + offset,
    };

    public override void Flush() { }
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
