namespace ModelManifest.Checkpoints.Pickle;

// The values the safe pickle interpreter builds. None of them can run code: a "call" is only a record of what a
// real unpickler would have called. Python None is C# null; bool, long, BigInteger, double, string and byte[]
// stand for themselves.

/// <summary>A Python list (mutable: APPEND/APPENDS add to it).</summary>
internal sealed class PyList
{
    public List<object?> Items { get; } = [];
}

/// <summary>A Python tuple.</summary>
internal sealed class PyTuple(object?[] items)
{
    public static readonly PyTuple Empty = new([]);

    public object?[] Items { get; } = items;
}

/// <summary>A Python dict or OrderedDict, in insertion order; a repeated key keeps its first position, last value.</summary>
internal sealed class PyDict
{
    private readonly Dictionary<object, int> _index = [];

    public List<KeyValuePair<object?, object?>> Items { get; } = [];

    public void Set(object? key, object? value)
    {
        // Only keys with value equality (str, int) can repeat; other keys are distinct objects.
        if (key is string or long && _index.TryGetValue(key, out int at))
        {
            Items[at] = new(key, value);
            return;
        }

        if (key is string or long)
        {
            _index[key] = Items.Count;
        }

        Items.Add(new(key, value));
    }

    public object? Get(string key) => _index.TryGetValue(key, out int at) ? Items[at].Value : null;
}

/// <summary>A Python set or frozenset.</summary>
internal sealed class PySet
{
    public List<object?> Items { get; } = [];
}

/// <summary>A global reference (<c>module.name</c>) as the pickle named it; never resolved to code.</summary>
internal sealed record PyGlobal(string Module, string Name, long Offset, PickleGlobalKind Kind)
{
    public string FullName => Module + "." + Name;
}

/// <summary>What a real unpickler would have called (REDUCE, NEWOBJ, INST, OBJ), kept inert.</summary>
internal sealed class PyCall(object? callable, PyTuple arguments, long offset)
{
    public object? Callable { get; } = callable;

    public PyTuple Arguments { get; } = arguments;

    public long Offset { get; } = offset;

    /// <summary>The BUILD state applied afterwards, if any.</summary>
    public object? State { get; set; }

    /// <summary>Items appended or set on the result (a list or dict subclass), if any.</summary>
    public List<object?> Added { get; } = [];

    public PyGlobal? Global => Callable as PyGlobal;
}

/// <summary>A persistent id (BINPERSID/PERSID): torch uses it to refer to tensor storages outside the pickle.</summary>
internal sealed record PyPersistent(object? Id, long Offset);
