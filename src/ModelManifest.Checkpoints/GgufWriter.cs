using System.Buffers.Binary;
using System.Text;

namespace ModelManifest.Checkpoints;

/// <summary>
/// Writes real GGUF files (v3 by default, v2, or v1 with its 32-bit counts and lengths): header, typed key/value metadata, tensor infos, then tensor data
/// aligned to <c>general.alignment</c> (32).
/// </summary>
internal sealed class GgufWriter
{
    private const uint Alignment = 32;
    private readonly List<(string Key, GgufValueType Type, object Value)> _metadata = [];
    private readonly List<(string Name, long[] Dims, uint Type, byte[] Data)> _tensors = [];

    /// <summary>Creates a writer for GGUF <paramref name="version"/> (1, 2 or 3).</summary>
    public GgufWriter(uint version = 3)
    {
        if (version is not (1 or 2 or 3))
        {
            throw new ArgumentOutOfRangeException(nameof(version), "GGUF version must be 1, 2 or 3");
        }

        Version = version;
    }

    /// <summary>The GGUF version written.</summary>
    public uint Version { get; }

    /// <summary>Adds a string value.</summary>
    public GgufWriter Add(string key, string value) => AddValue(key, GgufValueType.String, value);

    /// <summary>Adds a uint32 value.</summary>
    public GgufWriter Add(string key, uint value) => AddValue(key, GgufValueType.UInt32, value);

    /// <summary>Adds a uint64 value.</summary>
    public GgufWriter Add(string key, ulong value) => AddValue(key, GgufValueType.UInt64, value);

    /// <summary>Adds an int32 value.</summary>
    public GgufWriter Add(string key, int value) => AddValue(key, GgufValueType.Int32, value);

    /// <summary>Adds a float32 value.</summary>
    public GgufWriter Add(string key, float value) => AddValue(key, GgufValueType.Float32, value);

    /// <summary>Adds a bool value.</summary>
    public GgufWriter Add(string key, bool value) => AddValue(key, GgufValueType.Bool, value);

    /// <summary>Adds an array of strings.</summary>
    public GgufWriter Add(string key, IReadOnlyList<string> values) => AddValue(key, GgufValueType.Array, (GgufValueType.String, values.Cast<object>().ToArray()));

    /// <summary>Adds an array of int32.</summary>
    public GgufWriter Add(string key, IReadOnlyList<int> values) => AddValue(key, GgufValueType.Array, (GgufValueType.Int32, values.Cast<object>().ToArray()));

    private GgufWriter AddValue(string key, GgufValueType type, object value)
    {
        _metadata.Add((key, type, value));
        return this;
    }

    /// <summary>Adds a tensor of ggml type <paramref name="ggmlType"/> (see <see cref="GgmlTypes"/>); <paramref name="dims"/> innermost first, as GGUF stores them.</summary>
    public GgufWriter AddTensor(string name, long[] dims, uint ggmlType, byte[] data)
    {
        long elements = dims.Aggregate(1L, (a, d) => checked(a * d));
        long expected = GgmlTypes.ByteSize(ggmlType, elements);
        if (expected != data.Length)
        {
            throw new ArgumentException($"tensor '{name}' has {data.Length} bytes, {GgmlTypes.Name(ggmlType)} x {elements} needs {expected}", nameof(data));
        }

        _tensors.Add((name, dims, ggmlType, data));
        return this;
    }

    /// <summary>Adds a float32 tensor.</summary>
    public GgufWriter AddFloat32Tensor(string name, long[] dims, ReadOnlySpan<float> values) =>
        AddTensor(name, dims, 0, System.Runtime.InteropServices.MemoryMarshal.AsBytes(values).ToArray());

    /// <summary>Writes the file to <paramref name="stream"/>.</summary>
    public void WriteTo(Stream stream)
    {
        using var w = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
        w.Write(GgufReader.Magic);
        w.Write(Version);
        WriteCount(w, (ulong)_tensors.Count);
        WriteCount(w, (ulong)_metadata.Count);
        foreach (var (key, type, value) in _metadata)
        {
            WriteString(w, key);
            w.Write((uint)type);
            WriteValue(w, Version, type, value);
        }

        ulong offset = 0;
        foreach (var (name, dims, type, data) in _tensors)
        {
            WriteString(w, name);
            w.Write((uint)dims.Length);
            foreach (long d in dims)
            {
                WriteCount(w, (ulong)d);
            }

            w.Write(type);
            w.Write(offset);
            offset += Pad((ulong)data.Length);
        }

        w.Flush();
        long position = stream.Position;
        WriteZeros(w, (long)Pad((ulong)position) - position);
        foreach (var (_, _, _, data) in _tensors)
        {
            w.Write(data);
            WriteZeros(w, (long)Pad((ulong)data.Length) - data.Length);
        }
    }

    /// <summary>Writes the file to <paramref name="path"/>.</summary>
    public void WriteFile(string path)
    {
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None);
        WriteTo(stream);
    }

    private static ulong Pad(ulong n) => (n + Alignment - 1) / Alignment * Alignment;

    private static void WriteZeros(BinaryWriter w, long count)
    {
        for (long i = 0; i < count; i++)
        {
            w.Write((byte)0);
        }
    }

    private void WriteCount(BinaryWriter w, ulong n) => WriteCount(w, Version, n);

    private void WriteString(BinaryWriter w, string s) => WriteString(w, Version, s);

    /// <summary>Counts, lengths and dimensions: uint32 in v1, uint64 from v2 on.</summary>
    internal static void WriteCount(BinaryWriter w, uint version, ulong n)
    {
        if (version == 1)
        {
            w.Write(checked((uint)n));
        }
        else
        {
            w.Write(n);
        }
    }

    /// <summary>A GGUF string: its UTF-8 length (version width) and bytes.</summary>
    internal static void WriteString(BinaryWriter w, uint version, string s)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(s);
        WriteCount(w, version, (ulong)bytes.Length);
        w.Write(bytes);
    }

    /// <summary>A value of <paramref name="type"/> (arrays as (element type, object[]) pairs), in <paramref name="version"/>'s widths.</summary>
    internal static void WriteValue(BinaryWriter w, uint version, GgufValueType type, object value)
    {
        switch (type)
        {
            case GgufValueType.String: WriteString(w, version, (string)value); break;
            case GgufValueType.UInt8: w.Write((byte)value); break;
            case GgufValueType.Int8: w.Write((sbyte)value); break;
            case GgufValueType.UInt16: w.Write((ushort)value); break;
            case GgufValueType.Int16: w.Write((short)value); break;
            case GgufValueType.Int64: w.Write((long)value); break;
            case GgufValueType.Float64: w.Write((double)value); break;
            case GgufValueType.UInt32: w.Write((uint)value); break;
            case GgufValueType.UInt64: w.Write((ulong)value); break;
            case GgufValueType.Int32: w.Write((int)value); break;
            case GgufValueType.Float32: w.Write((float)value); break;
            case GgufValueType.Bool: w.Write((bool)value ? (byte)1 : (byte)0); break;
            case GgufValueType.Array:
                var (elementType, items) = ((GgufValueType, object[]))value;
                w.Write((uint)elementType);
                WriteCount(w, version, (ulong)items.Length);
                foreach (object item in items)
                {
                    WriteValue(w, version, elementType, item);
                }

                break;
            default: throw new NotSupportedException($"GGUF value type {type}");
        }
    }
}
