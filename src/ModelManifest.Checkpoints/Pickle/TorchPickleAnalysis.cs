using System.Collections.Immutable;

namespace ModelManifest.Checkpoints.Pickle;

/// <summary>What a checkpoint's pickle says: tensors, refused globals, and storage problems.</summary>
internal sealed record TorchPickleAnalysis(
    ImmutableArray<TorchTensor> Tensors,
    ImmutableArray<TorchUnsafeGlobal> UnsafeGlobals,
    ImmutableArray<string> Problems,
    ImmutableArray<string> TopLevelKeys)
{
    /// <summary>Most problems listed; beyond that a count.</summary>
    public const int MaxProblems = 100;

    /// <summary>
    /// Interprets <paramref name="pickle"/> (without running it) and checks each tensor against its storage:
    /// <paramref name="storageBytes"/> gives a storage key's byte length in the file, or null when it is missing.
    /// </summary>
    public static TorchPickleAnalysis Analyze(byte[] pickle, string entry, Func<string, long?> storageBytes, int start = 0) =>
        Analyze(PickleMachine.Run(pickle, entry, start), entry, storageBytes);

    public static TorchPickleAnalysis Analyze(PickleResult result, string entry, Func<string, long?> storageBytes)
    {
        // One line per distinct global (its first occurrence): a pickle naming os.system a million times is one finding.
        var unsafeGlobals = result.Findings.DistinctBy(f => (f.Module, f.Name)).Select(f => new TorchUnsafeGlobal(f.Module, f.Name, entry, f.Offset, f.Dangerous)).ToImmutableArray();
        var (tensors, problems) = TorchObjectWalker.Walk(result.Value);
        var checkedStorages = new HashSet<string>(StringComparer.Ordinal);
        foreach (TorchTensorRef t in tensors)
        {
            TorchStorageRef s = t.Storage;
            long? length = storageBytes(s.Key);
            if (length is null)
            {
                problems.Add($"tensor '{t.Tensor.Name}': storage '{s.Key}' is not in the file");
                continue;
            }

            if (checkedStorages.Add(s.Key) && (s.ElementCount < 0 || s.ElementCount > length / s.ElementSize))
            {
                problems.Add($"storage '{s.Key}' declares {s.ElementCount} {s.DType} elements ({s.ElementCount * (long)s.ElementSize} bytes) but holds {length} bytes");
            }

            if (Extent(t.Tensor) is not { } extent)
            {
                problems.Add($"tensor '{t.Tensor.Name}': negative size, stride or offset");
            }
            else if (extent > 0 && (extent > length / t.ElementSize))
            {
                problems.Add($"tensor '{t.Tensor.Name}': the view [{string.Join(", ", t.Tensor.Shape)}] at offset {t.Tensor.StorageOffset} needs {extent} elements of storage '{s.Key}', which holds {length / t.ElementSize}");
            }
        }

        if (problems.Count > MaxProblems)
        {
            int more = problems.Count - MaxProblems;
            problems.RemoveRange(MaxProblems, more);
            problems.Add($"... and {more} more problems");
        }

        var keys = result.Value is PyDict dict
            ? dict.Items.Select(kv => kv.Key).OfType<string>().Take(MaxProblems).ToImmutableArray()
            : ImmutableArray<string>.Empty;
        return new TorchPickleAnalysis(tensors.Select(t => t.Tensor).ToImmutableArray(), unsafeGlobals, problems.ToImmutableArray(), keys);
    }

    /// <summary>Elements of storage the view reaches (offset + last element + 1), 0 when empty, null when negative.</summary>
    private static long? Extent(TorchTensor t)
    {
        if (t.StorageOffset < 0)
        {
            return null;
        }

        long last = 0;
        for (int i = 0; i < t.Shape.Length; i++)
        {
            if (t.Shape[i] < 0 || t.Stride[i] < 0)
            {
                return null;
            }

            if (t.Shape[i] == 0)
            {
                return 0;
            }

            try
            {
                last = checked(last + ((t.Shape[i] - 1) * t.Stride[i]));
            }
            catch (OverflowException)
            {
                return long.MaxValue;
            }
        }

        return last >= long.MaxValue - t.StorageOffset ? long.MaxValue : t.StorageOffset + last + 1;
    }
}
