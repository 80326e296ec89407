using ModelManifest.Checkpoints;

namespace ModelManifest.Checkpoints.Tests;

/// <summary>Small but real checkpoint files written by our writers, and helpers to damage them.</summary>
internal static class TestFiles
{
    public static byte[] Safetensors()
    {
        var w = new SafetensorsWriter();
        w.Metadata["format"] = "pt";
        w.Metadata["producer"] = "unit-test";
        w.AddFloat32("embed.weight", [4, 3], Enumerable.Range(0, 12).Select(i => i * 0.5f).ToArray());
        w.AddInt64("position_ids", [1, 5], [0, 1, 2, 3, 4]);
        w.Add("scale", "F16", [], [0x00, 0x3C]);
        return Write(w.WriteTo);
    }

    public static byte[] Gguf(uint version = 3)
    {
        var w = new GgufWriter(version);
        w.Add("general.architecture", "llama");
        w.Add("general.name", "Tiny Test Llama");
        w.Add("general.file_type", 15u);
        w.Add("llama.context_length", 4096u);
        w.Add("llama.embedding_length", 8u);
        w.Add("tokenizer.ggml.model", "gpt2");
        w.Add("tokenizer.ggml.tokens", Enumerable.Range(0, 300).Select(i => "tok" + i).ToArray());
        w.Add("tokenizer.ggml.token_type", [1, 1, 3]);
        w.Add("general.quantized", true);
        w.AddFloat32Tensor("token_embd.weight", [8, 4], new float[32]);
        w.AddTensor("blk.0.attn_q.weight", [256, 2], GgmlTypes.Id("Q4_K"), new byte[2 * 144]);
        w.AddFloat32Tensor("output_norm.weight", [8], Enumerable.Repeat(1f, 8).ToArray());
        return Write(w.WriteTo);
    }

    public static byte[] Torch(string? anemoiJson = AnemoiJson)
    {
        var w = new TorchZipWriter("aifs-test");
        w.AddStorage(new byte[64]).AddStorage(new byte[16]);
        if (anemoiJson is not null)
        {
            w.AddAnemoiMetadata(anemoiJson);
        }

        return Write(w.WriteTo);
    }

    public const string AnemoiJson = """
        {
          "version": "1.0",
          "run_id": "d1f3c0de-0001",
          "timestamp": "2025-02-25T10:00:00",
          "config": { "data": { "timestep": "6h", "frequency": "6h" }, "training": { "multistep_input": 2 } },
          "dataset": {
            "variables": ["10u", "10v", "2t", "t_850", "z_500"],
            "shape": [100, 5, 1, 40320],
            "data_request": { "grid": "O96", "area": [90, 0, -90, 360] }
          },
          "provenance_training": {
            "python": "3.11.9",
            "module_versions": { "torch": "2.4.1", "anemoi.training": "0.3.1", "numpy": "1.26.4" }
          }
        }
        """;

    public static byte[] Write(Action<Stream> write)
    {
        using var ms = new MemoryStream();
        write(ms);
        return ms.ToArray();
    }

    public static MemoryStream Open(byte[] bytes) => new(bytes, writable: false);

    /// <summary>Runs <paramref name="read"/> and returns the allocation on this thread, in bytes.</summary>
    public static long Allocated(Action read)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        read();
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    /// <summary>
    /// Overwrites 1-3 random bytes (within the first <paramref name="window"/> bytes) of copies of
    /// <paramref name="original"/>; every read must succeed or throw <see cref="CheckpointFormatException"/>.
    /// </summary>
    public static void FuzzBytes(byte[] original, int seed, int iterations, int window, Func<Stream, object> read)
    {
        var random = new Random(seed);
        for (int i = 0; i < iterations; i++)
        {
            byte[] copy = (byte[])original.Clone();
            int flips = 1 + random.Next(3);
            for (int f = 0; f < flips; f++)
            {
                copy[random.Next(Math.Min(copy.Length, window))] = (byte)random.Next(256);
            }

            try
            {
                read(Open(copy));
            }
            catch (CheckpointFormatException)
            {
            }
        }
    }

    /// <summary>The reader must throw <see cref="CheckpointFormatException"/> and allocate little while doing so.</summary>
    public static CheckpointFormatException AssertCleanError(Func<Stream, object> read, byte[] bytes, long maxAllocated = 4 << 20)
    {
        CheckpointFormatException? error = null;
        long allocated = Allocated(() => error = Assert.Throws<CheckpointFormatException>(() => read(Open(bytes))));
        Assert.True(allocated < maxAllocated, $"allocated {allocated} bytes while rejecting a {bytes.Length}-byte file");
        Assert.False(string.IsNullOrWhiteSpace(error!.Reason));
        return error;
    }
}
