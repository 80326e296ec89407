using System.Collections.Immutable;

namespace ModelManifest.Checkpoints;

/// <summary>One tensor stored in a checkpoint: name, element type, shape and where its bytes are.</summary>
/// <param name="Name">Tensor name as stored.</param>
/// <param name="DataType">Element type in the file's own spelling (safetensors <c>F32</c>, GGUF <c>Q4_K</c>).</param>
/// <param name="Shape">Dimensions, outermost first (GGUF stores innermost first; the reader keeps the file's order).</param>
/// <param name="DataOffset">Absolute byte offset of the tensor's data in the file.</param>
/// <param name="ByteLength">Length of the tensor's data in bytes, or -1 when the element type's size is unknown.</param>
public sealed record TensorEntry(string Name, string DataType, ImmutableArray<long> Shape, long DataOffset, long ByteLength)
{
    /// <summary>Number of elements (product of the shape; 1 for a scalar).</summary>
    public long ElementCount => CountElements(Shape);

    internal static long CountElements(ImmutableArray<long> shape)
    {
        long count = 1;
        foreach (long d in shape)
        {
            count = checked(count * d);
        }

        return count;
    }
}
