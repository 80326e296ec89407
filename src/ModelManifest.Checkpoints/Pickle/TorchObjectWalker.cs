using System.Collections.Immutable;
using System.Globalization;

namespace ModelManifest.Checkpoints.Pickle;

/// <summary>A storage as the pickle's persistent id declares it.</summary>
internal sealed record TorchStorageRef(string Key, string DType, int ElementSize, long ElementCount);

/// <summary>A tensor found in the object, with the storage it views.</summary>
internal sealed record TorchTensorRef(TorchTensor Tensor, TorchStorageRef Storage, int ElementSize);

/// <summary>
/// Walks the inert object a checkpoint's pickle built (a state dict, or dicts/lists nesting state dicts as
/// Lightning and training loops save them) and collects the tensors that torch's rebuild functions would create.
/// Iterative, each container visited once (a cycle in a hostile pickle cannot loop), while a shared tensor is
/// reported under each of its names (as Python sees tied weights); depth and visits are capped.
/// </summary>
internal static class TorchObjectWalker
{
    /// <summary>Deepest nesting of containers that is followed.</summary>
    public const int MaxDepth = 512;

    /// <summary>Most nodes visited.</summary>
    public const int MaxVisits = 1 << 22;

    private const int MaxProblems = 100;

    public static (List<TorchTensorRef> Tensors, List<string> Problems) Walk(object? root)
    {
        var tensors = new List<TorchTensorRef>();
        var problems = new List<string>();
        int visits = 0;
        var visited = new HashSet<object>(ReferenceEqualityComparer.Instance);
        var pending = new Stack<(object? Node, string Path, int Depth)>();
        pending.Push((root, "", 0));
        while (pending.Count > 0)
        {
            var (node, path, depth) = pending.Pop();
            if (node is null or string or byte[] or long or bool or double || (node is PyDict or PyList or PyTuple && !visited.Add(node)))
            {
                continue;
            }

            if (++visits > MaxVisits)
            {
                problems.Add($"the object has more than {MaxVisits} nodes (shared or cyclic containers); the walk stopped");
                break;
            }

            if (depth > MaxDepth)
            {
                if (problems.Count < MaxProblems)
                {
                    problems.Add($"'{path}': nesting deeper than {MaxDepth} levels is not followed");
                }

                continue;
            }

            switch (node)
            {
                case PyDict dict:
                    for (int i = dict.Items.Count - 1; i >= 0; i--)
                    {
                        if (KeyText(dict.Items[i].Key) is { } key)
                        {
                            pending.Push((dict.Items[i].Value, Join(path, key), depth + 1));
                        }
                    }

                    break;
                case PyList list:
                    for (int i = list.Items.Count - 1; i >= 0; i--)
                    {
                        pending.Push((list.Items[i], Join(path, i.ToString(CultureInfo.InvariantCulture)), depth + 1));
                    }

                    break;
                case PyTuple tuple:
                    for (int i = tuple.Items.Length - 1; i >= 0; i--)
                    {
                        pending.Push((tuple.Items[i], Join(path, i.ToString(CultureInfo.InvariantCulture)), depth + 1));
                    }

                    break;
                case PyCall call when call.Global is { Kind: PickleGlobalKind.Allowed } g:
                    switch (g.FullName)
                    {
                        case "torch._utils._rebuild_tensor" or "torch._utils._rebuild_tensor_v2" or "torch._utils._rebuild_tensor_v3":
                            if (Tensor(call, path, problems) is { } t)
                            {
                                tensors.Add(t);
                            }

                            break;
                        case "torch._utils._rebuild_parameter" or "torch._utils._rebuild_parameter_with_state" when call.Arguments.Items.Length > 0:
                            pending.Push((call.Arguments.Items[0], path, depth + 1));
                            break;
                        case "torch._tensor._rebuild_from_type_v2" when call.Arguments.Items is [var func, _, PyTuple args, ..]:
                            pending.Push((new PyCall(func, args, call.Offset), path, depth + 1));
                            break;
                    }

                    break;
            }
        }

        return (tensors, problems);
    }

    private static string Join(string path, string key) => path.Length == 0 ? key : path + "." + key;

    private static string? KeyText(object? key) => key switch
    {
        string s => s,
        long l => l.ToString(CultureInfo.InvariantCulture),
        _ => null,
    };

    private static TorchTensorRef? Tensor(PyCall call, string path, List<string> problems)
    {
        object?[] a = call.Arguments.Items;
        if (a.Length < 4 || a[0] is not PyPersistent persistent || a[1] is not long offset
            || Dims(a[2]) is not { } shape || Dims(a[3]) is not { } stride || shape.Length != stride.Length)
        {
            problems.Add($"'{path}': tensor rebuild arguments are not (storage, offset, size, stride)");
            return null;
        }

        if (Storage(persistent, problems, path) is not { } storage)
        {
            return null;
        }

        // _rebuild_tensor_v3 stores the dtype explicitly (storages are untyped there).
        string dtype = storage.DType;
        int size = storage.ElementSize;
        if (call.Global!.Name == "_rebuild_tensor_v3" && a.Length > 6 && a[6] is PyGlobal { Module: "torch" } d
            && PickleGlobals.DTypes.TryGetValue(d.Name, out int dsize))
        {
            dtype = d.Name;
            size = dsize;
        }

        offset += storage.Offset;
        var tensor = new TorchTensor(path, dtype, shape, stride, storage.Ref.Key, offset);
        return new TorchTensorRef(tensor, storage.Ref, size);
    }

    private static (TorchStorageRef Ref, string DType, int ElementSize, long Offset)? Storage(PyPersistent persistent, List<string> problems, string path)
    {
        // Zip format: ('storage', torch.XStorage, key, location, numel).
        // Legacy format adds view metadata: (..., numel, None | (view_key, offset, view_numel)).
        if (persistent.Id is not PyTuple { Items: ["storage", PyGlobal type, string key, _, long numel, ..] } id
            || !PickleGlobals.Storages.TryGetValue(type.Name, out var kind) || type.Module is not ("torch" or "torch.storage"))
        {
            problems.Add($"'{path}': storage reference at pickle offset {persistent.Offset} is not ('storage', torch.<Type>Storage, key, location, numel)");
            return null;
        }

        long viewOffset = 0;
        if (id.Items.Length > 5 && id.Items[5] is PyTuple { Items: [_, long vo, _] })
        {
            viewOffset = vo;
        }

        return (new TorchStorageRef(key, kind.DType, kind.Size, numel), kind.DType, kind.Size, viewOffset);
    }

    private static ImmutableArray<long>? Dims(object? value)
    {
        if (value is not PyTuple t)
        {
            return null;
        }

        var dims = ImmutableArray.CreateBuilder<long>(t.Items.Length);
        foreach (object? item in t.Items)
        {
            if (item is not long d)
            {
                return null;
            }

            dims.Add(d);
        }

        return dims.MoveToImmutable();
    }
}
