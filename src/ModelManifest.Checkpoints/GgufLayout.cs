namespace ModelManifest.Checkpoints;

/// <summary>Where a GGUF header's parts lie in the file, so an editor can copy what it does not change byte for byte.</summary>
/// <param name="Header">The parsed header.</param>
/// <param name="Records">Every key/value record in file order.</param>
/// <param name="InfosStart">Offset of the first tensor info.</param>
/// <param name="InfosEnd">Offset just past the last tensor info (the data section starts at the next aligned offset).</param>
internal sealed record GgufLayout(GgufHeader Header, IReadOnlyList<GgufKeyValueRecord> Records, long InfosStart, long InfosEnd);

/// <summary>One key/value record: its key, value type and byte range [<paramref name="Start"/>, <paramref name="End"/>) from the key's length to the value's end.</summary>
internal sealed record GgufKeyValueRecord(string Key, GgufValueType Type, long Start, long End);
