using System.Buffers.Binary;
using System.Collections.Immutable;
using ModelManifest.Checkpoints.Pickle;

namespace ModelManifest.Checkpoints;

/// <summary>
/// The pre-1.6 <c>torch.save</c> format (still written with <c>_use_new_zipfile_serialization=False</c>): not a zip but
/// five pickles in a row — magic number, protocol version, system info, the object, the sorted storage keys — then
/// each storage as a little-endian int64 element count followed by its raw bytes. Only the pickles and the 8-byte
/// counts are read; storage bytes are skipped by seeking.
/// </summary>
internal static class TorchLegacyReader
{
    /// <summary>PROTO 2, LONG1 of 10 bytes, then the magic number 0x1950a86a20f9469cfc6c little-endian.</summary>
    private static readonly byte[] s_head = [0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19];

    private const long ProtocolVersion = 1001;

    public static bool IsLegacy(Stream stream)
    {
        long start = stream.Position;
        Span<byte> head = stackalloc byte[s_head.Length];
        int n = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        stream.Position = start;
        return n == head.Length && head.SequenceEqual(s_head);
    }

    public static TorchCheckpointInfo Read(Stream stream)
    {
        string name = stream is FileStream fs ? Path.GetFileName(fs.Name) : "legacy pickle";
        var prefix = new byte[(int)Math.Min(stream.Length, TorchZipReader.MaxPickleLength)];
        stream.Position = 0;
        stream.ReadExactly(prefix);

        // A payload can hide in any of the five pickles: every one is interpreted and its findings kept.
        int at = 0;
        var findings = new List<PickleFinding>();
        PickleResult Next()
        {
            PickleResult r = PickleMachine.Run(prefix, name, at);
            at += (int)r.Length;
            findings.AddRange(r.Findings);
            return r;
        }

        _ = Next();
        if (Next().Value is not long protocol || protocol != ProtocolVersion)
        {
            throw new CheckpointFormatException(CheckpointFormat.Torch, at, $"legacy torch file: protocol version is not {ProtocolVersion}");
        }

        _ = Next();
        PickleResult main = Next();
        if (Next().Value is not PyList keyList || keyList.Items.Any(k => k is not string))
        {
            throw new CheckpointFormatException(CheckpointFormat.Torch, at, "legacy torch file: the storage key list is not a list of strings");
        }

        // Storage lengths come from the file, in key order; element sizes from the storages the pickle declares.
        var (tensors, _) = TorchObjectWalker.Walk(main.Value);
        var elementSizes = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (TorchTensorRef t in tensors)
        {
            elementSizes.TryAdd(t.Storage.Key, t.Storage.ElementSize);
        }

        var lengths = new Dictionary<string, long>(StringComparer.Ordinal);
        long position = at;
        Span<byte> count = stackalloc byte[8];
        foreach (string key in keyList.Items.Cast<string>())
        {
            stream.Position = position;
            if (stream.ReadAtLeast(count, 8, throwOnEndOfStream: false) < 8)
            {
                throw new CheckpointFormatException(CheckpointFormat.Torch, position, $"legacy torch file: storage '{key}' is missing (the file ends)");
            }

            long elements = BinaryPrimitives.ReadInt64LittleEndian(count);
            int size = elementSizes.GetValueOrDefault(key, 1);
            if (elements < 0 || elements > (stream.Length - position - 8) / size)
            {
                throw new CheckpointFormatException(CheckpointFormat.Torch, position, $"legacy torch file: storage '{key}' declares {elements} elements, beyond the end of the file");
            }

            lengths[key] = elements * size;
            position += 8 + (elements * size);
        }

        TorchPickleAnalysis analysis = TorchPickleAnalysis.Analyze(main with { Findings = findings }, name, key => lengths.TryGetValue(key, out long n) ? n : null);
        return new TorchCheckpointInfo("", ImmutableArray<TorchZipEntry>.Empty, null, null, new TorchMetadata()).With(analysis) with { Legacy = true };
    }
}
