using System.Text;
using BenchmarkDotNet.Attributes;
using ModelManifest.Testing;

namespace ModelManifest.Benchmarks;

/// <summary>Reading and validating a manifest of 1,000 models and 3,000 assets (target: &lt; 50 ms, &lt; 50 MB allocated).</summary>
[MemoryDiagnoser]
public class ManifestReaderBenchmarks
{
    private byte[] _utf8 = [];
    private string _text = string.Empty;
    private Reading.JsonParseResult? _parsed;

    [GlobalSetup]
    public void Setup()
    {
        _text = LargeManifestBuilder.Build(models: 1000, assets: 3000);
        _utf8 = Encoding.UTF8.GetBytes(_text);
        _parsed = Reading.JsonSyntaxParser.Parse(_text);
    }

    /// <summary>Layer 1: JSON syntax tree with positions.</summary>
    [Benchmark]
    public object? Parse() => Reading.JsonSyntaxParser.Parse(_text).Root;

    /// <summary>Layer 2: the schema.</summary>
    [Benchmark]
    public int Structural()
    {
        var diagnostics = new List<Reading.ManifestDiagnostic>();
        Reading.StructuralValidator.Validate(_parsed!.Root!, ManifestReader.Schema.Root, "b", _parsed.Lines, diagnostics);
        return diagnostics.Count;
    }

    /// <summary>Binding validated text to records (<see cref="ManifestBinder"/>, as the reader does).</summary>
    [Benchmark]
    public object? Bind() => ManifestBinder.Bind(_text);

    /// <summary>The same binding through System.Text.Json's source-generated serializer, which the reader used before.</summary>
    [Benchmark]
    public object? BindWithSerializer() => System.Text.Json.JsonSerializer.Deserialize(_text, ManifestJsonContext.Default.ManifestDocument);

    /// <summary>Full read: UTF-8 check, parse with positions, schema and semantic validation, binding to records.</summary>
    [Benchmark]
    public ManifestReadResult ReadAndValidate()
    {
        var result = ManifestReader.Read(_utf8, "bench.models.json");
        if (result.HasErrors || result.Document!.Models.Length != 1000)
        {
            throw new InvalidOperationException("benchmark manifest did not read cleanly");
        }

        return result;
    }
}
