using System.Collections.Immutable;

namespace ModelManifest.Checkpoints;

/// <summary>The header of a GGUF file: key/value metadata and tensor infos.</summary>
public sealed record GgufHeader(
    uint Version,
    ImmutableSortedDictionary<string, object> Metadata,
    ImmutableArray<TensorEntry> Tensors,
    uint Alignment,
    long DataStart,
    long FileLength)
{
    /// <summary>Total number of parameters (sum of the tensors' element counts).</summary>
    public long ParameterCount => Tensors.Sum(t => t.ElementCount);

    /// <summary><c>general.architecture</c>, e.g. <c>llama</c>.</summary>
    public string? Architecture => GetString("general.architecture");

    /// <summary><c>general.name</c>.</summary>
    public string? Name => GetString("general.name");

    /// <summary><c>&lt;arch&gt;.context_length</c>.</summary>
    public long? ContextLength => Architecture is { } arch ? GetInteger(arch + ".context_length") : null;

    /// <summary><c>general.file_type</c> (llama.cpp ftype number).</summary>
    public long? FileType => GetInteger("general.file_type");

    /// <summary>The quantization named by <c>general.file_type</c>, e.g. <c>Q4_K_M</c>.</summary>
    public string? Quantization => FileType is { } ft ? GgmlTypes.FileTypeName(ft) : null;

    /// <summary><c>tokenizer.ggml.model</c>, e.g. <c>gpt2</c> or <c>llama</c>.</summary>
    public string? TokenizerModel => GetString("tokenizer.ggml.model");

    /// <summary>A string value, or null.</summary>
    public string? GetString(string key) => Metadata.TryGetValue(key, out object? v) ? v as string : null;

    /// <summary>An integer value of any width, or null.</summary>
    public long? GetInteger(string key) => Metadata.TryGetValue(key, out object? v) ? v switch
    {
        byte b => b, sbyte s => s, ushort us => us, short sh => sh, uint ui => ui, int i => i,
        ulong ul when ul <= long.MaxValue => (long)ul, long l => l, _ => null,
    } : null;
}
