using Microsoft.CodeAnalysis;
using ModelManifest.Testing;

namespace ModelManifest.Generator.Tests;

/// <summary>
/// 5,000 manifests from the contract issue's seeded ManifestMutator (half structural, half byte-level) through the generator driver: no generator exception ever (no CS8784/CS8785/AD0001),
/// every manifest the runtime reader rejects gets at least one MM error located inside that file, every manifest it
/// accepts gets no generator error, and a sample of the accepted ones compiles warning-free.
/// </summary>
public sealed class FuzzTests
{
    private const int Count = 5000;
    private const string Path = "/fuzz/m.models.json";

    [Fact]
    public void Five_thousand_mutated_manifests_never_crash_the_generator_and_every_invalid_one_is_located()
    {
        string[] seeds =
        {
            Harness.Example("weather"), Harness.Example("language"), Harness.Example("vision"),
            Manifests.Valid(extraModel: ", \"options\": [{ \"name\": \"k\", \"type\": \"integer\", \"minimum\": 1, \"maximum\": 5, \"default\": 2 }]"),
        };
        var mutator = new ManifestMutator(seed: 20261123);
        Compilation compilation = Harness.Compilation();
        int invalid = 0;
        int compiled = 0;
        var failures = new List<string>();
        for (int i = 0; i < Count && failures.Count < 5; i++)
        {
            string seed = seeds[i % seeds.Length];
            byte[] bytes = i % 2 == 0 ? System.Text.Encoding.UTF8.GetBytes(mutator.MutateStructure(seed)) : mutator.MutateBytes(seed);
            var file = MemoryAdditionalText.FromBytes(Path, bytes);
            GeneratorRun run = Harness.Run(Harness.Driver(new[] { file }), compilation);
            Harness.AssertNoGeneratorFailure(run);

            bool rejected = ManifestReader.Read(bytes, Path).HasErrors;
            int length = file.GetText()!.Length;
            var errors = run.GeneratorDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error && !d.IsWarningAsError).ToList();
            foreach (Diagnostic d in run.GeneratorDiagnostics)
            {
                FileLinePositionSpan where = d.Location.GetLineSpan();
                if (!d.Id.StartsWith("MM", StringComparison.Ordinal) || where.Path != Path || d.Location.SourceSpan.End > length)
                {
                    failures.Add("#" + i + ": " + d + " is not located inside the manifest");
                }
            }

            if (rejected)
            {
                invalid++;
                if (errors.Count == 0)
                {
                    failures.Add("#" + i + ": the reader rejects it but the generator reported no error: " + Preview(bytes));
                }
            }
            else if (errors.Count > 0)
            {
                failures.Add("#" + i + ": the reader accepts it but the generator reported " + errors[0] + ": " + Preview(bytes));
            }
            else if (i % 40 == 0)
            {
                compiled++;
                Assert.True(run.CompileDiagnostics.IsEmpty, "#" + i + ": " + string.Join("\n", run.CompileDiagnostics) + "\n" + Preview(bytes));
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n\n", failures));
        Assert.True(invalid > Count / 4, "too few invalid mutations: " + invalid);
        Assert.True(compiled > 10, "too few valid mutations compiled: " + compiled);
    }

    private static string Preview(byte[] bytes)
    {
        string text = System.Text.Encoding.UTF8.GetString(bytes);
        return text.Length > 3000 ? text.Substring(0, 3000) : text;
    }
}
