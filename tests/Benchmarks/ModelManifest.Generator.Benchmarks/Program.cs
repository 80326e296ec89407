extern alias gen;

using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;
using ModelManifestGenerator = gen::ModelManifest.Generator.ModelManifestGenerator;

// Timing of the generator over a manifest with 1,000 models and 3,000 assets (not a test; run once, read the figures):
//   dotnet run -c Release --project tests/Benchmarks/ModelManifest.Generator.Benchmarks
// cold   = a new driver (as a fresh compiler process would have), JIT already warm: median of several runs
// warm   = the same driver after an unrelated .cs edit: must re-parse nothing (checked with step tracking)
// share  = generator time / (generator + compile + emit) of a consumer project holding only the catalog and one file
// --scale: compile cost per 1,000 models instead — a consumer compile (generator + compile + emit, one process,
// JIT warm) of LargeManifestBuilder manifests with 1,000 (twice: the first warms the JIT) and 4,000 models (4,000 is the issue's 8.4 MB), with
// the generated source size and the bytes the compile allocated. Cost per 1,000 models = slope between 1,000 and 4,000.
//   dotnet run -c Release --project tests/Benchmarks/ModelManifest.Generator.Benchmarks -- --scale
const int Iterations = 7;
if (args.Contains("--scale"))
{
    Scale.Run();
    return;
}

string manifest = LargeManifest(1000);
Console.WriteLine($"manifest: 1000 models, 3000 assets, {manifest.Length / 1024} KiB");

var references = Scale.References();
var parseOptions = new CSharpParseOptions(LanguageVersion.CSharp12);
SyntaxTree program = CSharpSyntaxTree.ParseText("namespace Bench; public static class P { public static ModelManifest.ModelInfo M => Models.Model0000; }", parseOptions, "/src/P.cs");
CSharpCompilation compilation = CSharpCompilation.Create("Bench", new[] { program }, references,
    new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
AdditionalText[] files = { new Text("/p/large.models.json", manifest) };
var options = new Options();

GeneratorDriver NewDriver() => CSharpGeneratorDriver.Create(new[] { new ModelManifestGenerator().AsSourceGenerator() }, files, parseOptions, options,
    new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

var first = Stopwatch.StartNew();
NewDriver().RunGenerators(compilation);
Console.WriteLine($"first run in process (includes JIT): {first.Elapsed.TotalMilliseconds:F0} ms");

var cold = new List<double>();
GeneratorDriver driver = NewDriver();
for (int i = 0; i < Iterations; i++)
{
    var sw = Stopwatch.StartNew();
    driver = NewDriver().RunGenerators(compilation);
    cold.Add(sw.Elapsed.TotalMilliseconds);
}

var warm = new List<double>();
Compilation current = compilation;
for (int i = 0; i < Iterations; i++)
{
    current = current.ReplaceSyntaxTree(current.SyntaxTrees.First(), CSharpSyntaxTree.ParseText("namespace Bench; public static class P { public static ModelManifest.ModelInfo M => Models.Model0000; public static int X => " + i + "; }", parseOptions, "/src/P.cs"));
    var sw = Stopwatch.StartNew();
    driver = driver.RunGenerators(current);
    warm.Add(sw.Elapsed.TotalMilliseconds);
    var steps = driver.GetRunResult().Results[0].TrackedSteps[ModelManifestGenerator.Steps.Parse];
    if (steps.SelectMany(s => s.Outputs).Any(o => o.Reason is not IncrementalStepRunReason.Cached))
    {
        throw new InvalidOperationException("the warm run re-parsed a manifest");
    }
}

var readerOnly = new List<double>();
for (int i = 0; i < Iterations; i++)
{
    var sw = Stopwatch.StartNew();
    ModelManifest.Reading.ManifestSyntaxReader.Read(manifest, "/p/large.models.json", ModelManifest.Reading.ManifestSchema.Embedded, resolveReferences: false);
    readerOnly.Add(sw.Elapsed.TotalMilliseconds);
}

// Breakdown of one cold run: parse to spec, catalog, emit (the driver then parses the emitted text into a syntax tree).
var noSchemas = new gen::ModelManifest.Generator.Model.SchemaInput(null, null, gen::ModelManifest.Generator.Helpers.ImmutableEquatableArray<gen::ModelManifest.Generator.Helpers.DiagnosticInfo>.Empty);
var genOptions = new gen::ModelManifest.Generator.Model.GeneratorOptions("Bench", "Models", false);
double parseMs = 0, catalogMs = 0, emitMs = 0, syntaxMs = 0;
for (int i = 0; i < Iterations; i++)
{
    var sw = Stopwatch.StartNew();
    var spec = gen::ModelManifest.Generator.Parser.Parse(files[0], noSchemas, CancellationToken.None);
    parseMs += sw.Elapsed.TotalMilliseconds;
    sw.Restart();
    var catalogSpec = gen::ModelManifest.Generator.CatalogBuilder.Build(ImmutableArray.Create(spec), genOptions, noSchemas);
    catalogMs += sw.Elapsed.TotalMilliseconds;
    sw.Restart();
    string source = gen::ModelManifest.Generator.Emitter.Emit(catalogSpec);
    emitMs += sw.Elapsed.TotalMilliseconds;
    sw.Restart();
    CSharpSyntaxTree.ParseText(source, parseOptions);
    syntaxMs += sw.Elapsed.TotalMilliseconds;
}

Console.WriteLine($"breakdown (mean): parse to spec {parseMs / Iterations:F0} ms, catalog {catalogMs / Iterations:F0} ms, emit {emitMs / Iterations:F0} ms, C# parse of the output {syntaxMs / Iterations:F0} ms");

var shares = new List<double>();
long generatedBytes = 0;
for (int i = 0; i < 3; i++)
{
    var total = Stopwatch.StartNew();
    var gen = Stopwatch.StartNew();
    NewDriver().RunGeneratorsAndUpdateCompilation(compilation, out Compilation output, out ImmutableArray<Diagnostic> diagnostics);
    double generatorMs = gen.Elapsed.TotalMilliseconds;
    using var stream = new MemoryStream();
    var emit = output.Emit(stream);
    if (!emit.Success || diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error))
    {
        throw new InvalidOperationException(string.Join("\n", emit.Diagnostics.Concat(diagnostics).Take(10)));
    }

    generatedBytes = output.SyntaxTrees.Last().Length;
    shares.Add(generatorMs / total.Elapsed.TotalMilliseconds);
    Console.WriteLine($"consumer compile #{i + 1}: generator {generatorMs:F0} ms of {total.Elapsed.TotalMilliseconds:F0} ms total (compile + emit)");
}

Console.WriteLine($"generated source: {generatedBytes / 1024} KiB");
Console.WriteLine($"cold run (new driver), median of {Iterations}: {Median(cold):F1} ms (min {cold.Min():F1})");
Console.WriteLine($"  of which the shared reader (parse + validate), median of {Iterations}: {Median(readerOnly):F1} ms");
Console.WriteLine($"warm run after an unrelated edit, median of {Iterations}: {Median(warm):F2} ms; Parse steps all Cached");
Console.WriteLine($"generator share of the consumer compile, median: {Median(shares) * 100:F1} %");

static double Median(List<double> values)
{
    var sorted = values.OrderBy(v => v).ToList();
    return sorted[sorted.Count / 2];
}

static string LargeManifest(int models)
{
    var sb = new StringBuilder("{\n  \"schemaVersion\": \"1.1\",\n  \"models\": [\n");
    for (int i = 0; i < models; i++)
    {
        string id = "model" + i.ToString("D4", CultureInfo.InvariantCulture);
        sb.Append($"    {{ \"id\": \"{id}\", \"version\": \"1.{i % 7}.0\", \"displayName\": \"Model {i}\", \"description\": \"Synthetic model {i}.\", \"tags\": [\"bench\", \"t{i % 10}\"], \"stage\": \"stable\",\n");
        sb.Append($"      \"assets\": [{{ \"id\": \"{id}-weights\", \"role\": \"weights\" }}, {{ \"id\": \"{id}-tokenizer\", \"role\": \"tokenizer\" }}, {{ \"id\": \"{id}-config\", \"role\": \"config\" }}],\n");
        sb.Append("      \"options\": [{ \"name\": \"members\", \"type\": \"integer\", \"default\": 1, \"minimum\": 1, \"maximum\": 51 }, { \"name\": \"precision\", \"type\": \"string\", \"default\": \"bf16\", \"allowedValues\": [\"fp32\", \"bf16\"] }],\n");
        sb.Append("      \"compatibility\": { \"platforms\": [\"linux-x64\"], \"accelerators\": { \"cpu\": \"compatible\" }, \"minHostMemoryMiB\": 4096 } }");
        sb.Append(i + 1 < models ? ",\n" : "\n");
    }

    sb.Append("  ],\n  \"assets\": [\n");
    for (int i = 0; i < models; i++)
    {
        string id = "model" + i.ToString("D4", CultureInfo.InvariantCulture);
        string[] kinds = { "weights", "tokenizer", "config" };
        for (int k = 0; k < 3; k++)
        {
            string sha = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(id + k))).ToLowerInvariant();
            sb.Append($"    {{ \"id\": \"{id}-{kinds[k]}\", \"fileName\": \"{id}-{kinds[k]}.bin\", \"size\": {1000 + i + k}, \"sha256\": \"{sha}\", \"format\": \"other\" }}");
            sb.Append(i + 1 < models || k < 2 ? ",\n" : "\n");
        }
    }

    return sb.Append("  ]\n}\n").ToString();
}

sealed class Text(string path, string text) : AdditionalText
{
    private readonly SourceText _text = SourceText.From(text, Encoding.UTF8);

    public override string Path { get; } = path;

    public override SourceText GetText(CancellationToken cancellationToken = default) => _text;
}

sealed class Options : AnalyzerConfigOptionsProvider
{
    private static readonly Values s_global = new(new Dictionary<string, string> { ["build_property.RootNamespace"] = "Bench" });
    private static readonly Values s_none = new(new Dictionary<string, string>());

    public override AnalyzerConfigOptions GlobalOptions => s_global;

    public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => s_none;

    public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) => s_none;

    private sealed class Values(Dictionary<string, string> values) : AnalyzerConfigOptions
    {
        public override bool TryGetValue(string key, out string value)
        {
            bool found = values.TryGetValue(key, out string? v);
            value = v ?? string.Empty;
            return found;
        }
    }
}

static class Scale
{
    /// <summary>The framework and the runtime library: what a consumer project compiles against.</summary>
    public static List<MetadataReference> References()
        => ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(p => Path.GetFileName(p).StartsWith("System.", StringComparison.Ordinal) || Path.GetFileName(p) is "netstandard.dll" or "mscorlib.dll")
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))
            .Append(MetadataReference.CreateFromFile(typeof(ModelManifest.ModelInfo).Assembly.Location))
            .ToList();

    public static void Run()
    {
        List<MetadataReference> references = References();
        var parseOptions = new CSharpParseOptions(LanguageVersion.CSharp12);
        var results = new List<(int Models, double Ms, long Allocated, long SourceBytes)>();
        foreach (int models in new[] { 1000, 1000, 4000 })
        {
            string text = ModelManifest.Testing.LargeManifestBuilder.Build(models, models * 6);
            SyntaxTree program = CSharpSyntaxTree.ParseText("namespace Bench; public static class P { public static ModelManifest.ModelInfo M => Models.Model0; }", parseOptions, "/src/P.cs");
            CSharpCompilation compilation = CSharpCompilation.Create("Bench", new[] { program }, references,
                new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
            GC.Collect();
            long before = GC.GetTotalAllocatedBytes(precise: true);
            var sw = Stopwatch.StartNew();
            CSharpGeneratorDriver.Create(new[] { new ModelManifestGenerator().AsSourceGenerator() }, new AdditionalText[] { new Text("/p/large.models.json", text) }, parseOptions, new Options())
                .RunGeneratorsAndUpdateCompilation(compilation, out Compilation output, out ImmutableArray<Diagnostic> diagnostics);
            using var stream = new MemoryStream();
            var emit = output.Emit(stream);
            double ms = sw.Elapsed.TotalMilliseconds;
            long allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
            var errors = emit.Diagnostics.Concat(diagnostics).Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
            if (!emit.Success || errors.Count > 0)
            {
                throw new InvalidOperationException(errors.Count + " errors, first: " + string.Join("\n", errors.Take(3)));
            }

            long sourceBytes = output.SyntaxTrees.Last().Length;
            Console.WriteLine($"{models,5} models, manifest {Encoding.UTF8.GetByteCount(text) / 1024.0 / 1024.0:F1} MB: compile + emit {ms:F0} ms, allocated {allocated / 1024.0 / 1024.0:F0} MB, generated source {sourceBytes / 1024.0 / 1024.0:F1} MB (chars), 0 errors");
            results.Add((models, ms, allocated, sourceBytes));
        }

        var small = results[1];
        var large = results[^1];
        double per1000 = (large.Ms - small.Ms) / ((large.Models - small.Models) / 1000.0);
        double mbPer1000 = (large.Allocated - small.Allocated) / 1024.0 / 1024.0 / ((large.Models - small.Models) / 1000.0);
        Console.WriteLine($"cost per 1,000 models (slope 1,000 → {large.Models}): {per1000:F0} ms, {mbPer1000:F0} MB allocated");
    }
}
