extern alias gen;

using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;
using ModelManifestGenerator = gen::ModelManifest.Generator.ModelManifestGenerator;

namespace ModelManifest.Generator.Tests;

/// <summary>An AdditionalFile held in memory.</summary>
internal sealed class MemoryAdditionalText(string path, SourceText? text) : AdditionalText
{
    public MemoryAdditionalText(string path, string text)
        : this(path, SourceText.From(text, Encoding.UTF8))
    {
    }

    public override string Path { get; } = path;

    public override SourceText? GetText(CancellationToken cancellationToken = default) => text;

    /// <summary>Decodes bytes as the compiler does: strict UTF-8, else a fallback code page (Latin-1 here).</summary>
    public static MemoryAdditionalText FromBytes(string path, byte[] bytes)
    {
        try
        {
            var strict = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
            return new MemoryAdditionalText(path, SourceText.From(bytes, bytes.Length, strict, throwIfBinaryDetected: false));
        }
        catch (DecoderFallbackException)
        {
            return new MemoryAdditionalText(path, SourceText.From(bytes, bytes.Length, Encoding.Latin1, throwIfBinaryDetected: false));
        }
    }
}

/// <summary>Build properties and per-file item metadata, as MSBuild's generated .editorconfig provides them.</summary>
internal sealed class TestOptionsProvider(IReadOnlyDictionary<string, string> global, IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> perFile) : AnalyzerConfigOptionsProvider
{
    public override AnalyzerConfigOptions GlobalOptions { get; } = new Options(global);

    public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => new Options(new Dictionary<string, string>());

    public override AnalyzerConfigOptions GetOptions(AdditionalText textFile)
        => new Options(perFile.TryGetValue(textFile.Path, out var values) ? values : new Dictionary<string, string>());

    private sealed class Options(IReadOnlyDictionary<string, string> values) : AnalyzerConfigOptions
    {
        public override bool TryGetValue(string key, out string value)
        {
            if (values.TryGetValue(key, out string? found))
            {
                value = found;
                return true;
            }

            value = string.Empty;
            return false;
        }
    }
}

/// <summary>The outcome of one generator run: the driver (for further runs), the output and every diagnostic.</summary>
internal sealed record GeneratorRun(GeneratorDriver Driver, Compilation Output, ImmutableArray<Diagnostic> GeneratorDiagnostics, GeneratorDriverRunResult Result)
{
    public string? Source => Result.GeneratedTrees.FirstOrDefault()?.ToString();

    /// <summary>Diagnostics of compiling the output (warnings are errors, docs checked, nullable on).</summary>
    public ImmutableArray<Diagnostic> CompileDiagnostics => Output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning || d.IsWarningAsError).ToImmutableArray();
}

internal static class Harness
{
    public const string RoleKey = "build_metadata.AdditionalFiles.ModelManifestRole";

    private static readonly Lazy<ImmutableArray<MetadataReference>> s_references = new(() =>
    {
        string tpa = (string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!;
        var references = tpa.Split(Path.PathSeparator)
            .Where(p => Path.GetFileName(p) is string n && (n.StartsWith("System.", StringComparison.Ordinal) || n is "System.dll" or "netstandard.dll" or "mscorlib.dll"))
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))
            .ToList();
        references.Add(MetadataReference.CreateFromFile(typeof(ModelInfo).Assembly.Location));
        return references.ToImmutableArray();
    });

    public static ImmutableArray<MetadataReference> References => s_references.Value;

    public static CSharpParseOptions ParseOptions { get; } = new(LanguageVersion.CSharp12, DocumentationMode.Diagnose);

    public static string SchemaDirectory { get; } = Path.Combine(AppContext.BaseDirectory, "schema");

    public static string Example(string name) => File.ReadAllText(Path.Combine(SchemaDirectory, "examples", name + ".models.json"));

    public static string EmbeddedSchemaText() => File.ReadAllText(Path.Combine(SchemaDirectory, "model-manifest.schema.json"));

    public static CSharpCompilation Compilation(params string[] sources)
        => CSharpCompilation.Create(
            "Consumer",
            sources.Select((s, i) => CSharpSyntaxTree.ParseText(s, ParseOptions, path: "/src/Program" + i + ".cs")),
            s_references.Value,
            new CSharpCompilationOptions(
                OutputKind.DynamicallyLinkedLibrary,
                nullableContextOptions: NullableContextOptions.Enable,
                generalDiagnosticOption: ReportDiagnostic.Error,
                specificDiagnosticOptions: new Dictionary<string, ReportDiagnostic>
                {
                    // A library of this test needs no entry point and may reference newer framework assemblies.
                    ["CS1701"] = ReportDiagnostic.Suppress,
                    ["CS1702"] = ReportDiagnostic.Suppress,
                }));

    public static GeneratorDriver Driver(IEnumerable<AdditionalText> files, IReadOnlyDictionary<string, string>? global = null, IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>>? perFile = null, bool track = false)
        => CSharpGeneratorDriver.Create(
            new[] { new ModelManifestGenerator().AsSourceGenerator() },
            files,
            ParseOptions,
            new TestOptionsProvider(global ?? new Dictionary<string, string> { ["build_property.RootNamespace"] = "Consumer" }, perFile ?? new Dictionary<string, IReadOnlyDictionary<string, string>>()),
            new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: track));

    public static GeneratorRun Run(GeneratorDriver driver, Compilation compilation)
    {
        driver = driver.RunGeneratorsAndUpdateCompilation(compilation, out Compilation output, out ImmutableArray<Diagnostic> diagnostics);
        return new GeneratorRun(driver, output, diagnostics, driver.GetRunResult());
    }

    public static GeneratorRun Run(params (string Path, string Text)[] manifests)
        => Run(Driver(manifests.Select(m => (AdditionalText)new MemoryAdditionalText(m.Path, m.Text))), Compilation());

    public static GeneratorRun RunWithCode(string code, params (string Path, string Text)[] manifests)
        => Run(Driver(manifests.Select(m => (AdditionalText)new MemoryAdditionalText(m.Path, m.Text))), Compilation(code));

    /// <summary>Generator exceptions surface as CS8784/CS8785 (generator) or AD0001 (analyzer).</summary>
    public static void AssertNoGeneratorFailure(GeneratorRun run)
    {
        Assert.All(run.Result.Results, r => Assert.Null(r.Exception));
        Assert.DoesNotContain(run.GeneratorDiagnostics, d => d.Id is "CS8784" or "CS8785" or "AD0001");
    }

    public static string SourceDirectory([CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;
}
