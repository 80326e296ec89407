using System.Buffers.Binary;
using ModelManifest.Testing;

namespace ModelManifest.Cli.Tests;

/// <summary>`extract` refuses a sparse GGUF whose declared counts exceed the limits with one MM2101 line.</summary>
public sealed class ExtractCountLimitTests
{
    [Theory]
    [InlineData(44_700_000UL, 0UL, "tensor count 44700000 exceeds the limit")]
    [InlineData(0UL, 5_000_000UL, "metadata count 5000000 exceeds the limit")]
    public void Sparse_gguf_declaring_huge_counts_ends_in_one_clean_error_line(ulong tensors, ulong keys, string reason)
    {
        using var dir = new TempDir();
        string path = dir.File("sparse.gguf");
        using (var stream = new FileStream(path, FileMode.Create, FileAccess.Write))
        {
            byte[] header = new byte[24];
            BinaryPrimitives.WriteUInt32LittleEndian(header, 0x46554747);
            BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(4), 3);
            BinaryPrimitives.WriteUInt64LittleEndian(header.AsSpan(8), tensors);
            BinaryPrimitives.WriteUInt64LittleEndian(header.AsSpan(16), keys);
            stream.Write(header);
            stream.SetLength(24 + (long)tensors * 24 + (long)keys * 13 + 4096);
        }

        CliRunner.Result r = CliRunner.Run("extract", path, "--no-hash");
        Assert.NotEqual(0, r.ExitCode);
        CliRunner.AssertOneCleanErrorLine(r, "MM2101");
        Assert.Contains(reason, r.StdErr);
        Assert.Equal("", r.StdOut);
    }
}
