using System.Collections.Immutable;

namespace ModelManifest.Checkpoints;

/// <summary>One tensor of a PyTorch checkpoint, as its pickle describes it (no tensor data is read).</summary>
/// <param name="Name">Path of the tensor in the checkpoint's object: dict keys and list indices joined by '.', e.g. <c>state_dict.encoder.weight</c>.</param>
/// <param name="DType">torch dtype name without the <c>torch.</c> prefix, e.g. <c>float32</c>, <c>bfloat16</c>.</param>
/// <param name="Shape">Dimensions, outermost first.</param>
/// <param name="Stride">Stride of each dimension, in elements.</param>
/// <param name="StorageKey">The storage it views (<c>data/&lt;key&gt;</c> in the zip); tensors that share a storage share the key.</param>
/// <param name="StorageOffset">Offset of the first element in the storage, in elements.</param>
public sealed record TorchTensor(string Name, string DType, ImmutableArray<long> Shape, ImmutableArray<long> Stride, string StorageKey, long StorageOffset)
{
    /// <summary>Number of elements (product of the shape; 1 for a scalar).</summary>
    public long ElementCount => TensorEntry.CountElements(Shape);
}

/// <summary>A global named in a checkpoint's pickle that <c>torch.load(weights_only=True)</c> would refuse.</summary>
/// <param name="Module">The module, e.g. <c>os</c>.</param>
/// <param name="Name">The name in the module, e.g. <c>system</c>.</param>
/// <param name="Entry">The pickle it occurs in (zip entry name, or the file name for the legacy format).</param>
/// <param name="Offset">Byte offset of the opcode in that pickle.</param>
/// <param name="Dangerous">Whether calling it can run commands or code, or touch files or the network.</param>
public sealed record TorchUnsafeGlobal(string Module, string Name, string Entry, long Offset, bool Dangerous)
{
    /// <summary><c>module.name</c>.</summary>
    public string FullName => Module + "." + Name;
}
