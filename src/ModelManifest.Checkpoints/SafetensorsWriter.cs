using System.Runtime.InteropServices;
using System.Text.Json;

namespace ModelManifest.Checkpoints;

/// <summary>
/// Writes real safetensors files: an 8-byte little-endian header length, a JSON header padded with spaces to a
/// multiple of 8, then the tensors' bytes back to back in the order they were added.
/// </summary>
internal sealed class SafetensorsWriter
{
    private readonly List<(string Name, string DType, long[] Shape, byte[] Data)> _tensors = [];

    /// <summary>The <c>__metadata__</c> string map.</summary>
    public SortedDictionary<string, string> Metadata { get; } = new(StringComparer.Ordinal);

    /// <summary>Adds a tensor with raw little-endian bytes; the length must match dtype x shape.</summary>
    public SafetensorsWriter Add(string name, string dtype, long[] shape, byte[] data)
    {
        if (!SafetensorsReader.DTypeSizes.TryGetValue(dtype, out int size))
        {
            throw new ArgumentException($"unknown safetensors dtype '{dtype}'", nameof(dtype));
        }

        long expected = shape.Aggregate(1L, (a, d) => checked(a * d)) * size;
        if (expected != data.Length)
        {
            throw new ArgumentException($"tensor '{name}' has {data.Length} bytes, {dtype} x [{string.Join(", ", shape)}] needs {expected}", nameof(data));
        }

        if (name == "__metadata__" || _tensors.Any(t => t.Name == name))
        {
            throw new ArgumentException($"tensor name '{name}' is reserved or already used", nameof(name));
        }

        _tensors.Add((name, dtype, shape, data));
        return this;
    }

    /// <summary>Adds a float32 tensor.</summary>
    public SafetensorsWriter AddFloat32(string name, long[] shape, ReadOnlySpan<float> values) =>
        Add(name, "F32", shape, MemoryMarshal.AsBytes(values).ToArray());

    /// <summary>Adds an int64 tensor.</summary>
    public SafetensorsWriter AddInt64(string name, long[] shape, ReadOnlySpan<long> values) =>
        Add(name, "I64", shape, MemoryMarshal.AsBytes(values).ToArray());

    /// <summary>Writes the file to <paramref name="stream"/>.</summary>
    public void WriteTo(Stream stream)
    {
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("safetensors writing assumes a little-endian machine");
        }

        using var headerBuffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(headerBuffer))
        {
            json.WriteStartObject();
            if (Metadata.Count > 0)
            {
                json.WriteStartObject("__metadata__");
                foreach (var (key, value) in Metadata)
                {
                    json.WriteString(key, value);
                }

                json.WriteEndObject();
            }

            long offset = 0;
            foreach (var (name, dtype, shape, data) in _tensors)
            {
                json.WriteStartObject(name);
                json.WriteString("dtype", dtype);
                json.WriteStartArray("shape");
                foreach (long d in shape)
                {
                    json.WriteNumberValue(d);
                }

                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                json.WriteNumberValue(offset + data.Length);
                json.WriteEndArray();
                json.WriteEndObject();
                offset += data.Length;
            }

            json.WriteEndObject();
        }

        while (headerBuffer.Length % 8 != 0)
        {
            headerBuffer.WriteByte((byte)' ');
        }

        Span<byte> prefix = stackalloc byte[8];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(prefix, (ulong)headerBuffer.Length);
        stream.Write(prefix);
        headerBuffer.Position = 0;
        headerBuffer.CopyTo(stream);
        foreach (var t in _tensors)
        {
            stream.Write(t.Data);
        }
    }

    /// <summary>Writes the file to <paramref name="path"/>.</summary>
    public void WriteFile(string path)
    {
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None);
        WriteTo(stream);
    }
}
