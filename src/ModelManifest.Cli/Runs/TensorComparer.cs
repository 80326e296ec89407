using System.Buffers.Binary;
using Microsoft.Win32.SafeHandles;
using ModelManifest.Checkpoints;

namespace ModelManifest.Cli.Runs;

/// <summary>How one tensor of two runs differs.</summary>
internal sealed record TensorDifference(
    string Name,
    string DType,
    long Elements,
    double MaxAbsError,
    double MaxRelError,
    ulong MaxUlp,
    long OverTolerance,
    string? Mismatch)
{
    public bool Diverges => Mismatch is not null || OverTolerance > 0;
}

/// <summary>
/// Compares two safetensors files tensor by tensor, streaming both in chunks. Per tensor: max absolute error,
/// max relative error (|a-b| / |b| over elements where b != 0), max ULP distance (floats; integers use the
/// absolute difference), and how many elements fail numpy's isclose rule |a-b| &lt;= atol + rtol * |b|.
/// NaN equals NaN; a NaN against a number fails.
/// </summary>
internal static class TensorComparer
{
    private const int ChunkBytes = 1 << 20;

    public static List<TensorDifference> Compare(string pathA, string pathB, double atol, double rtol)
    {
        SafetensorsHeader a = SafetensorsReader.ReadFile(pathA);
        SafetensorsHeader b = SafetensorsReader.ReadFile(pathB);
        var bByName = b.Tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);
        var aNames = a.Tensors.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        var results = new List<TensorDifference>();
        using SafeFileHandle ha = File.OpenHandle(pathA);
        using SafeFileHandle hb = File.OpenHandle(pathB);
        foreach (TensorEntry ta in a.Tensors)
        {
            if (!bByName.TryGetValue(ta.Name, out TensorEntry? tb))
            {
                results.Add(Missing(ta, "missing from the second file"));
                continue;
            }

            if (ta.DataType != tb.DataType || !ta.Shape.SequenceEqual(tb.Shape))
            {
                results.Add(Missing(ta, $"{ta.DataType}[{string.Join(",", ta.Shape)}] vs {tb.DataType}[{string.Join(",", tb.Shape)}]"));
                continue;
            }

            if (!SafetensorsReader.DTypeSizes.TryGetValue(ta.DataType, out int size) || ta.ByteLength != ta.ElementCount * size || tb.ByteLength != ta.ByteLength)
            {
                results.Add(Missing(ta, $"dtype {ta.DataType} cannot be compared or its byte length is inconsistent"));
                continue;
            }

            results.Add(CompareTensor((ha, pathA), (hb, pathB), ta, tb, size, atol, rtol));
        }

        results.AddRange(b.Tensors.Where(t => !aNames.Contains(t.Name)).Select(t => Missing(t, "missing from the first file")));
        return results;
    }

    private static TensorDifference Missing(TensorEntry t, string why) => new(t.Name, t.DataType, t.ElementCount, 0, 0, 0, 0, why);

    private static TensorDifference CompareTensor((SafeFileHandle Handle, string Path) fa, (SafeFileHandle Handle, string Path) fb, TensorEntry ta, TensorEntry tb, int size, double atol, double rtol)
    {
        int chunk = ChunkBytes / size * size;
        var bufA = new byte[chunk];
        var bufB = new byte[chunk];
        double maxAbs = 0, maxRel = 0;
        ulong maxUlp = 0;
        long over = 0;
        for (long done = 0; done < ta.ByteLength; done += chunk)
        {
            int n = (int)Math.Min(chunk, ta.ByteLength - done);
            ReadExactly(fa, bufA.AsSpan(0, n), ta.DataOffset + done);
            ReadExactly(fb, bufB.AsSpan(0, n), tb.DataOffset + done);
            for (int i = 0; i < n; i += size)
            {
                double x = Decode(ta.DataType, bufA.AsSpan(i, size));
                double y = Decode(ta.DataType, bufB.AsSpan(i, size));
                if (double.IsNaN(x) || double.IsNaN(y))
                {
                    if (double.IsNaN(x) != double.IsNaN(y))
                    {
                        over++;
                        maxAbs = double.PositiveInfinity;
                        maxUlp = ulong.MaxValue;
                    }

                    continue;
                }

                double abs = x == y ? 0 : Math.Abs(x - y);
                maxAbs = Math.Max(maxAbs, abs);
                if (y != 0)
                {
                    maxRel = Math.Max(maxRel, abs / Math.Abs(y));
                }

                maxUlp = Math.Max(maxUlp, Ulp(ta.DataType, bufA.AsSpan(i, size), bufB.AsSpan(i, size), abs));
                if (!(abs <= atol + rtol * Math.Abs(y)))
                {
                    over++;
                }
            }
        }

        return new TensorDifference(ta.Name, ta.DataType, ta.ElementCount, maxAbs, maxRel, maxUlp, over, null);
    }

    private static void ReadExactly((SafeFileHandle Handle, string Path) file, Span<byte> buffer, long offset)
    {
        while (buffer.Length > 0)
        {
            int n = RandomAccess.Read(file.Handle, buffer, offset);
            if (n <= 0)
            {
                throw new CheckpointFormatException(CheckpointFormat.Safetensors, offset, "unexpected end of file in tensor data").WithFile(file.Path);
            }

            buffer = buffer[n..];
            offset += n;
        }
    }

    internal static double Decode(string dtype, ReadOnlySpan<byte> b) => dtype switch
    {
        "F32" => BinaryPrimitives.ReadSingleLittleEndian(b),
        "F64" => BinaryPrimitives.ReadDoubleLittleEndian(b),
        "F16" => (double)BinaryPrimitives.ReadHalfLittleEndian(b),
        "BF16" => BitConverter.UInt32BitsToSingle((uint)BinaryPrimitives.ReadUInt16LittleEndian(b) << 16),
        "I8" => (sbyte)b[0],
        "U8" or "BOOL" => b[0],
        "I16" => BinaryPrimitives.ReadInt16LittleEndian(b),
        "U16" => BinaryPrimitives.ReadUInt16LittleEndian(b),
        "I32" => BinaryPrimitives.ReadInt32LittleEndian(b),
        "U32" => BinaryPrimitives.ReadUInt32LittleEndian(b),
        "I64" => BinaryPrimitives.ReadInt64LittleEndian(b),
        "U64" => BinaryPrimitives.ReadUInt64LittleEndian(b),
        _ => double.NaN,
    };

    /// <summary>Distance in representable values between two floats of the file's own width; integer types use |a-b|.</summary>
    internal static ulong Ulp(string dtype, ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, double abs) => dtype switch
    {
        "F32" => Distance(Ordered(BinaryPrimitives.ReadInt32LittleEndian(a)), Ordered(BinaryPrimitives.ReadInt32LittleEndian(b))),
        "F64" => Distance(Ordered(BinaryPrimitives.ReadInt64LittleEndian(a)), Ordered(BinaryPrimitives.ReadInt64LittleEndian(b))),
        "F16" or "BF16" => Distance(Ordered16(BinaryPrimitives.ReadUInt16LittleEndian(a)), Ordered16(BinaryPrimitives.ReadUInt16LittleEndian(b))),
        _ => abs >= ulong.MaxValue ? ulong.MaxValue : (ulong)abs,
    };

    // Map sign-magnitude float bits onto a monotonic integer line (so -0 and +0 are 0 apart).
    private static Int128 Ordered(long bits) => bits < 0 ? -(Int128)(bits & long.MaxValue) : bits;

    private static Int128 Ordered(int bits) => bits < 0 ? -(Int128)(bits & int.MaxValue) : bits;

    private static Int128 Ordered16(ushort bits) => (bits & 0x8000) != 0 ? -(Int128)(bits & 0x7FFF) : bits;

    private static ulong Distance(Int128 x, Int128 y)
    {
        Int128 d = x > y ? x - y : y - x;
        return d > ulong.MaxValue ? ulong.MaxValue : (ulong)d;
    }
}
