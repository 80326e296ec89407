using System.Collections.Immutable;

namespace ModelManifest.Checkpoints;

/// <summary>Value types of GGUF key/value metadata.</summary>
public enum GgufValueType : uint
{
    /// <summary>uint8</summary>
    UInt8 = 0,
    /// <summary>int8</summary>
    Int8 = 1,
    /// <summary>uint16</summary>
    UInt16 = 2,
    /// <summary>int16</summary>
    Int16 = 3,
    /// <summary>uint32</summary>
    UInt32 = 4,
    /// <summary>int32</summary>
    Int32 = 5,
    /// <summary>float32</summary>
    Float32 = 6,
    /// <summary>bool (one byte)</summary>
    Bool = 7,
    /// <summary>string (uint64 length + UTF-8)</summary>
    String = 8,
    /// <summary>array (element type, uint64 count, elements)</summary>
    Array = 9,
    /// <summary>uint64</summary>
    UInt64 = 10,
    /// <summary>int64</summary>
    Int64 = 11,
    /// <summary>float64</summary>
    Float64 = 12,
}

/// <summary>
/// A GGUF array value. Arrays longer than the reader's limit (tokenizer vocabularies have 100k+ entries) keep only
/// their element type and count; <see cref="Values"/> is then empty and <see cref="Truncated"/> true.
/// </summary>
public sealed record GgufArray(GgufValueType ElementType, ulong Count, ImmutableArray<object> Values, bool Truncated);

/// <summary>The ggml tensor element types: name, elements per block and bytes per block.</summary>
public static class GgmlTypes
{
    private static readonly Dictionary<uint, (string Name, int BlockSize, int TypeSize)> s_table = new()
    {
        [0] = ("F32", 1, 4), [1] = ("F16", 1, 2), [2] = ("Q4_0", 32, 18), [3] = ("Q4_1", 32, 20),
        [6] = ("Q5_0", 32, 22), [7] = ("Q5_1", 32, 24), [8] = ("Q8_0", 32, 34), [9] = ("Q8_1", 32, 36),
        [10] = ("Q2_K", 256, 84), [11] = ("Q3_K", 256, 110), [12] = ("Q4_K", 256, 144), [13] = ("Q5_K", 256, 176),
        [14] = ("Q6_K", 256, 210), [15] = ("Q8_K", 256, 292), [16] = ("IQ2_XXS", 256, 66), [17] = ("IQ2_XS", 256, 74),
        [18] = ("IQ3_XXS", 256, 98), [19] = ("IQ1_S", 256, 50), [20] = ("IQ4_NL", 32, 18), [21] = ("IQ3_S", 256, 110),
        [22] = ("IQ2_S", 256, 82), [23] = ("IQ4_XS", 256, 136), [24] = ("I8", 1, 1), [25] = ("I16", 1, 2),
        [26] = ("I32", 1, 4), [27] = ("I64", 1, 8), [28] = ("F64", 1, 8), [29] = ("IQ1_M", 256, 56),
        [30] = ("BF16", 1, 2), [34] = ("TQ1_0", 256, 54), [35] = ("TQ2_0", 256, 66),
    };

    /// <summary>The type's name (<c>Q4_K</c>), or <c>type&lt;n&gt;</c> when unknown.</summary>
    public static string Name(uint type) => s_table.TryGetValue(type, out var t) ? t.Name : $"type{type}";

    /// <summary>The type id of a name such as <c>F32</c>.</summary>
    public static uint Id(string name) => s_table.First(kv => kv.Value.Name == name).Key;

    /// <summary>Bytes needed for <paramref name="elements"/> elements, or -1 when the type is unknown or the count is not whole blocks.</summary>
    public static long ByteSize(uint type, long elements)
    {
        if (!s_table.TryGetValue(type, out var t) || elements % t.BlockSize != 0)
        {
            return -1;
        }

        return checked(elements / t.BlockSize * t.TypeSize);
    }

    /// <summary>Names of <c>general.file_type</c> values (llama.cpp's <c>llama_ftype</c>).</summary>
    public static string? FileTypeName(long fileType) => fileType switch
    {
        0 => "F32", 1 => "F16", 2 => "Q4_0", 3 => "Q4_1", 7 => "Q8_0", 8 => "Q5_0", 9 => "Q5_1",
        10 => "Q2_K", 11 => "Q3_K_S", 12 => "Q3_K_M", 13 => "Q3_K_L", 14 => "Q4_K_S", 15 => "Q4_K_M",
        16 => "Q5_K_S", 17 => "Q5_K_M", 18 => "Q6_K", 19 => "IQ2_XXS", 20 => "IQ2_XS", 21 => "Q2_K_S",
        22 => "IQ3_XS", 23 => "IQ3_XXS", 24 => "IQ1_S", 25 => "IQ4_NL", 26 => "IQ3_S", 27 => "IQ3_M",
        28 => "IQ2_S", 29 => "IQ2_M", 30 => "IQ4_XS", 31 => "IQ1_M", 32 => "BF16", 36 => "TQ1_0", 37 => "TQ2_0",
        _ => null,
    };
}
