using System.Buffers.Binary;
using System.Text;
using ModelManifest.Checkpoints;

namespace ModelManifest.Checkpoints.Tests;

public sealed class GgufTests
{
    [Theory]
    [InlineData(1u)]
    [InlineData(2u)]
    [InlineData(3u)]
    public void Written_file_reads_back_metadata_and_tensor_infos(uint version)
    {
        byte[] file = TestFiles.Gguf(version);
        GgufHeader h = GgufReader.Read(TestFiles.Open(file));

        Assert.Equal(version, h.Version);
        Assert.Equal("llama", h.Architecture);
        Assert.Equal("Tiny Test Llama", h.Name);
        Assert.Equal(4096, h.ContextLength);
        Assert.Equal(15, h.FileType);
        Assert.Equal("Q4_K_M", h.Quantization);
        Assert.Equal("gpt2", h.TokenizerModel);
        Assert.Equal(true, h.Metadata["general.quantized"]);

        var tokens = Assert.IsType<GgufArray>(h.Metadata["tokenizer.ggml.tokens"]);
        Assert.Equal(300UL, tokens.Count);
        Assert.True(tokens.Truncated);
        var types = Assert.IsType<GgufArray>(h.Metadata["tokenizer.ggml.token_type"]);
        Assert.Equal([1, 1, 3], types.Values.Cast<int>());

        Assert.Equal(["token_embd.weight", "blk.0.attn_q.weight", "output_norm.weight"], h.Tensors.Select(t => t.Name));
        Assert.Equal(["F32", "Q4_K", "F32"], h.Tensors.Select(t => t.DataType));
        Assert.Equal(32 + 512 + 8, h.ParameterCount);
        Assert.Equal(288, h.Tensors[1].ByteLength);
        Assert.All(h.Tensors, t => Assert.Equal(0, t.DataOffset % 32));
        Assert.Equal(file.Length, h.Tensors[^1].DataOffset + 32);
        Assert.Empty(GgufReader.Check(h));
    }

    [Theory]
    [InlineData(1u)]
    [InlineData(3u)]
    public void Truncation_at_every_offset_is_a_clean_error(uint version)
    {
        byte[] file = TestFiles.Gguf(version);
        for (int length = 0; length < file.Length; length++)
        {
            TestFiles.AssertCleanError(GgufReader.Read, file[..length]);
        }
    }

    [Fact]
    public void A_4_GB_string_length_is_rejected_without_allocating_it()
    {
        byte[] file = TestFiles.Gguf();
        // First key starts at offset 24: its uint64 length.
        BinaryPrimitives.WriteUInt64LittleEndian(file.AsSpan(24), 4UL << 30);
        CheckpointFormatException e = TestFiles.AssertCleanError(GgufReader.Read, file, maxAllocated: 1 << 20);
        Assert.Equal(24, e.Offset);
        Assert.Contains("length 4294967296", e.Reason);
    }

    [Theory]
    [InlineData(8, ulong.MaxValue)]
    [InlineData(16, ulong.MaxValue)]
    [InlineData(8, 1UL << 40)]
    public void Absurd_counts_are_rejected_without_allocating_them(int offset, ulong value)
    {
        byte[] file = TestFiles.Gguf();
        BinaryPrimitives.WriteUInt64LittleEndian(file.AsSpan(offset), value);
        CheckpointFormatException e = TestFiles.AssertCleanError(GgufReader.Read, file, maxAllocated: 1 << 20);
        Assert.Contains("count", e.Reason);
    }

    [Fact]
    public void An_absurd_array_count_is_rejected()
    {
        byte[] file = Build(w =>
        {
            WriteString(w, "tokenizer.ggml.tokens");
            w.Write((uint)GgufValueType.Array);
            w.Write((uint)GgufValueType.String);
            w.Write(ulong.MaxValue / 2);
        }, kvCount: 1);
        CheckpointFormatException e = TestFiles.AssertCleanError(GgufReader.Read, file, maxAllocated: 1 << 20);
        Assert.Contains("elements", e.Reason);
    }

    [Fact]
    public void A_tensor_offset_past_the_end_is_a_clean_error()
    {
        var w = new GgufWriter();
        w.Add("general.architecture", "llama");
        w.AddFloat32Tensor("a", [4], new float[4]);
        byte[] file = TestFiles.Write(w.WriteTo);
        // The tensor's relative offset is the last uint64 of its info.
        BinaryPrimitives.WriteUInt64LittleEndian(file.AsSpan(FindInfoEnd(file) - 8), 1UL << 40);
        CheckpointFormatException e = TestFiles.AssertCleanError(GgufReader.Read, file);
        Assert.Contains("'a'", e.Reason);
    }

    [Theory]
    [InlineData(0u, "version 0")]
    [InlineData(4u, "version 4")]
    [InlineData(0x03000000u, "big-endian")]
    public void Unsupported_versions_are_named(uint version, string expected)
    {
        byte[] file = TestFiles.Gguf();
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(4), version);
        Assert.Contains(expected, TestFiles.AssertCleanError(GgufReader.Read, file).Reason);
    }

    [Theory]
    [InlineData(1u)]
    [InlineData(3u)]
    public void Random_byte_flips_never_escape_as_other_exceptions(uint version) =>
        TestFiles.FuzzBytes(TestFiles.Gguf(version), seed: 7, iterations: 2000, window: 400, GgufReader.Read);

    [Fact]
    public void V1_counts_and_lengths_are_32_bit()
    {
        byte[] v1 = TestFiles.Gguf(1);
        byte[] v3 = TestFiles.Gguf(3);
        Assert.Equal(3u, BinaryPrimitives.ReadUInt32LittleEndian(v1.AsSpan(8)));   // tensor count
        Assert.Equal(9u, BinaryPrimitives.ReadUInt32LittleEndian(v1.AsSpan(12)));  // metadata count
        Assert.Equal(20u, BinaryPrimitives.ReadUInt32LittleEndian(v1.AsSpan(16))); // "general.architecture"
        Assert.True(v1.Length < v3.Length);
        GgufHeader h1 = GgufReader.Read(TestFiles.Open(v1));
        GgufHeader h3 = GgufReader.Read(TestFiles.Open(v3));
        Assert.Equal(h3.Tensors.Select(t => (t.Name, t.DataType, t.ByteLength)), h1.Tensors.Select(t => (t.Name, t.DataType, t.ByteLength)));
        Assert.Equal(h3.Metadata.Keys, h1.Metadata.Keys);
    }

    [Theory]
    [InlineData(8, uint.MaxValue)]
    [InlineData(12, uint.MaxValue)]
    [InlineData(16, uint.MaxValue)]
    public void V1_absurd_counts_and_lengths_are_rejected_without_allocating_them(int offset, uint value)
    {
        byte[] file = TestFiles.Gguf(1);
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(offset), value);
        CheckpointFormatException e = TestFiles.AssertCleanError(GgufReader.Read, file, maxAllocated: 1 << 20);
        Assert.Equal(offset, e.Offset);
    }

    [Fact]
    public void V1_respects_the_limits()
    {
        byte[] file = TestFiles.Gguf(1);
        var e = Assert.Throws<CheckpointFormatException>(() => GgufReader.Read(TestFiles.Open(file), new CheckpointLimits { MaxTensors = 2 }));
        Assert.Contains("tensor count 3 exceeds the limit of 2 tensors", e.Reason);
        e = Assert.Throws<CheckpointFormatException>(() => GgufReader.Read(TestFiles.Open(file), new CheckpointLimits { MaxMetadataEntries = 8 }));
        Assert.Contains("metadata count 9 exceeds the limit of 8 entries", e.Reason);
        Assert.Equal(12, e.Offset);
    }

    private static int FindInfoEnd(byte[] file)
    {
        // Walk the simple file written above: header(24) + one string kv + one tensor info.
        int p = 24;
        p += 8 + (int)BinaryPrimitives.ReadUInt64LittleEndian(file.AsSpan(p)); // key
        p += 4;                                                                // type
        p += 8 + (int)BinaryPrimitives.ReadUInt64LittleEndian(file.AsSpan(p)); // string value
        p += 8 + (int)BinaryPrimitives.ReadUInt64LittleEndian(file.AsSpan(p)); // tensor name
        int dims = (int)BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(p));
        return p + 4 + dims * 8 + 4 + 8;
    }

    private static byte[] Build(Action<BinaryWriter> body, ulong kvCount)
    {
        using var ms = new MemoryStream();
        using var w = new BinaryWriter(ms);
        w.Write(GgufReader.Magic);
        w.Write(3u);
        w.Write(0UL);
        w.Write(kvCount);
        body(w);
        w.Write(new byte[64]);
        w.Flush();
        return ms.ToArray();
    }

    private static void WriteString(BinaryWriter w, string s)
    {
        w.Write((ulong)Encoding.UTF8.GetByteCount(s));
        w.Write(Encoding.UTF8.GetBytes(s));
    }
}
