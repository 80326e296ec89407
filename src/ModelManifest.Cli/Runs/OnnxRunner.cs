using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using ModelManifest.Checkpoints;
using ModelManifest.Cli.Output;

namespace ModelManifest.Cli.Runs;

/// <summary>One named tensor as raw little-endian bytes with its safetensors dtype.</summary>
internal sealed record RawTensor(string Name, string DType, long[] Shape, byte[] Data);

/// <summary>ONNX Runtime (CPU) loading and running with deterministic synthetic inputs.</summary>
internal static class OnnxRunner
{
    public static string RuntimeVersion => OrtEnv.Instance().GetVersionString();

    public static InferenceSession Load(string path)
    {
        var options = new SessionOptions { LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR };
        return new InferenceSession(path, options);
    }

    /// <summary>safetensors dtype of an ONNX element type, or null when it has none (strings).</summary>
    public static string? DType(TensorElementType type) => type switch
    {
        TensorElementType.Float => "F32",
        TensorElementType.Double => "F64",
        TensorElementType.Float16 => "F16",
        TensorElementType.BFloat16 => "BF16",
        TensorElementType.Int8 => "I8",
        TensorElementType.UInt8 => "U8",
        TensorElementType.Int16 => "I16",
        TensorElementType.UInt16 => "U16",
        TensorElementType.Int32 => "I32",
        TensorElementType.UInt32 => "U32",
        TensorElementType.Int64 => "I64",
        TensorElementType.UInt64 => "U64",
        TensorElementType.Bool => "BOOL",
        _ => null,
    };

    /// <summary>
    /// Builds one input per model input from its metadata: symbolic or unknown dimensions become 1, floats are
    /// uniform in [-1, 1), integers in [0, 3], booleans alternate at random; all from a SplitMix64 stream seeded
    /// with <paramref name="seed"/> and the input's position, so the same model and seed always give the same bytes.
    /// </summary>
    public static List<RawTensor> SyntheticInputs(InferenceSession session, ulong seed)
    {
        var inputs = new List<RawTensor>();
        int index = 0;
        foreach (var (name, meta) in session.InputMetadata)
        {
            if (meta.OnnxValueType != OnnxValueType.ONNX_TYPE_TENSOR || DType(meta.ElementDataType) is not { } dtype)
            {
                throw new CliException(Diagnostics.UnsupportedInput, $"input '{name}' is a {meta.OnnxValueType} of {meta.ElementDataType}; only numeric and bool tensors can be synthesised", ExitCodes.UsageError);
            }

            long[] shape = meta.Dimensions.Select(d => d > 0 ? (long)d : 1L).ToArray();
            long count = shape.Aggregate(1L, (a, d) => checked(a * d));
            int size = SafetensorsReader.DTypeSizes[dtype];
            if (count * size > 1L << 30)
            {
                throw new CliException(Diagnostics.UnsupportedInput, $"input '{name}' would need {count * size} bytes", ExitCodes.UsageError);
            }

            var data = new byte[count * size];
            var random = new SplitMix64(seed ^ (0x9E3779B97F4A7C15UL * (ulong)(index + 1)));
            Fill(dtype, data, random);
            inputs.Add(new RawTensor(name, dtype, shape, data));
            index++;
        }

        return inputs;
    }

    private static void Fill(string dtype, byte[] data, SplitMix64 random)
    {
        switch (dtype)
        {
            case "F32":
                foreach (ref float f in MemoryMarshal.Cast<byte, float>(data.AsSpan()))
                {
                    f = (float)random.NextSigned();
                }

                break;
            case "F64":
                foreach (ref double d in MemoryMarshal.Cast<byte, double>(data.AsSpan()))
                {
                    d = random.NextSigned();
                }

                break;
            case "F16":
                foreach (ref Half h in MemoryMarshal.Cast<byte, Half>(data.AsSpan()))
                {
                    h = (Half)random.NextSigned();
                }

                break;
            case "BF16":
                foreach (ref ushort b in MemoryMarshal.Cast<byte, ushort>(data.AsSpan()))
                {
                    b = (ushort)(BitConverter.SingleToUInt32Bits((float)random.NextSigned()) >> 16);
                }

                break;
            case "BOOL":
                for (int i = 0; i < data.Length; i++)
                {
                    data[i] = (byte)(random.Next() & 1);
                }

                break;
            default:
                // Integers: small non-negative values, written little-endian into each element's low byte.
                int size = SafetensorsReader.DTypeSizes[dtype];
                for (int i = 0; i < data.Length; i += size)
                {
                    data[i] = (byte)(random.Next() & 3);
                }

                break;
        }
    }

    /// <summary>Runs the model on <paramref name="inputs"/>; returns its tensor outputs (non-tensor outputs are skipped and named in <paramref name="skipped"/>).</summary>
    public static List<RawTensor> Run(InferenceSession session, IReadOnlyList<RawTensor> inputs, List<string> skipped)
    {
        var values = new List<OrtValue>();
        try
        {
            foreach (RawTensor input in inputs)
            {
                TensorElementType type = session.InputMetadata[input.Name].ElementDataType;
                OrtValue value = OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, type, input.Shape);
                values.Add(value);
                input.Data.CopyTo(value.GetTensorMutableRawData());
            }

            string[] outputNames = session.OutputMetadata.Keys.ToArray();
            using var runOptions = new RunOptions();
            using IDisposableReadOnlyCollection<OrtValue> results = session.Run(runOptions, inputs.Select(i => i.Name).ToArray(), values, outputNames);
            var outputs = new List<RawTensor>();
            for (int i = 0; i < outputNames.Length; i++)
            {
                OrtValue result = results[i];
                if (!result.IsTensor)
                {
                    skipped.Add(outputNames[i]);
                    continue;
                }

                OrtTensorTypeAndShapeInfo info = result.GetTensorTypeAndShape();
                if (DType(info.ElementDataType) is not { } dtype)
                {
                    skipped.Add(outputNames[i]);
                    continue;
                }

                outputs.Add(new RawTensor(outputNames[i], dtype, info.Shape, result.GetTensorMutableRawData().ToArray()));
            }

            return outputs;
        }
        finally
        {
            foreach (OrtValue v in values)
            {
                v.Dispose();
            }
        }
    }

    /// <summary>A tiny deterministic generator (SplitMix64): the same seed gives the same stream on every platform.</summary>
    private sealed class SplitMix64(ulong seed)
    {
        private ulong _state = seed;

        public ulong Next()
        {
            ulong z = _state += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }

        /// <summary>Uniform in [-1, 1) with 53 bits.</summary>
        public double NextSigned() => (Next() >> 11) * (2.0 / (1UL << 53)) - 1.0;
    }
}
