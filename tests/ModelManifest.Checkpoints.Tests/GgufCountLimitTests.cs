using System.Buffers.Binary;
using ModelManifest.Checkpoints;
using ModelManifest.Testing;

namespace ModelManifest.Checkpoints.Tests;

/// <summary>
/// Declared counts are capped by <see cref="CheckpointLimits"/>: a sparse file is big enough to "hold" any count
/// while occupying a few KB, so the remaining-bytes check alone let a 4 KB file make the reader allocate gigabytes.
/// </summary>
public sealed class GgufCountLimitTests
{
    /// <summary>Writes a sparse GGUF v3 file: a 24-byte header declaring the counts, then zeros up to a length that
    /// passes the remaining-bytes check (a real file, not a stream: the length comes from the file system).</summary>
    internal static string SparseGguf(TempDir dir, ulong tensors, ulong keys)
    {
        string path = dir.File("sparse.gguf");
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write);
        Span<byte> header = stackalloc byte[24];
        BinaryPrimitives.WriteUInt32LittleEndian(header, GgufReader.Magic);
        BinaryPrimitives.WriteUInt32LittleEndian(header[4..], 3);
        BinaryPrimitives.WriteUInt64LittleEndian(header[8..], tensors);
        BinaryPrimitives.WriteUInt64LittleEndian(header[16..], keys);
        stream.Write(header);
        stream.SetLength(24 + (long)tensors * 24 + (long)keys * 13 + 4096);
        return path;
    }

    private static CheckpointFormatException AssertRefusedCheaply(string path)
    {
        CheckpointFormatException? error = null;
        long allocated = TestFiles.Allocated(() => error = Assert.Throws<CheckpointFormatException>(() => GgufReader.ReadFile(path)));
        Assert.True(allocated < 4 << 20, $"allocated {allocated} bytes while refusing the declared count");
        return error!;
    }

    [Fact]
    public void Sparse_file_declaring_44_7_million_tensors_is_refused_before_reading_them()
    {
        using var dir = new TempDir();
        CheckpointFormatException error = AssertRefusedCheaply(SparseGguf(dir, 44_700_000, 0));
        Assert.Contains("tensor count 44700000 exceeds the limit of 100000", error.Message);
    }

    [Fact]
    public void Sparse_file_declaring_5_million_keys_is_refused_before_reading_them()
    {
        using var dir = new TempDir();
        CheckpointFormatException error = AssertRefusedCheaply(SparseGguf(dir, 0, 5_000_000));
        Assert.Contains("metadata count 5000000 exceeds the limit of 100000", error.Message);
    }

    [Fact]
    public void Limits_are_overridable_both_ways()
    {
        using var dir = new TempDir();
        string path = SparseGguf(dir, 3, 0);

        Assert.Equal(3, GgufReader.ReadFile(path).Tensors.Length);
        var error = Assert.Throws<CheckpointFormatException>(() => GgufReader.ReadFile(path, new CheckpointLimits { MaxTensors = 2 }));
        Assert.Contains("exceeds the limit of 2 tensors", error.Message);

        byte[] real = TestFiles.Gguf();
        Assert.Throws<CheckpointFormatException>(() => GgufReader.Read(TestFiles.Open(real), new CheckpointLimits { MaxMetadataEntries = 1 }));
        Assert.NotEmpty(GgufReader.Read(TestFiles.Open(real), CheckpointLimits.Default).Metadata);
    }
}
