extern alias gen;

using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Testing;
using ModelManifestGenerator = gen::ModelManifest.Generator.ModelManifestGenerator;

namespace ModelManifest.Generator.Tests;

/// <summary>The same contract through Microsoft.CodeAnalysis.CSharp.SourceGenerators.Testing's verifier.</summary>
public sealed class VerifierTests
{
    // No reference pack download during the test run: the framework assemblies this test process runs on.
    private static readonly ReferenceAssemblies s_runtime = new("net10.0");

    [Fact]
    public async Task A_bad_sha256_is_an_error_at_the_value_and_generates_nothing()
    {
        (string text, Microsoft.CodeAnalysis.Text.TextSpan span) = Manifests.Marked(Manifests.Valid(sha: "xyz").Replace("\"xyz\"", "⟦\"xyz\"⟧"));
        var lines = Microsoft.CodeAnalysis.Text.SourceText.From(text).Lines.GetLinePositionSpan(span);
        var test = new CSharpSourceGeneratorTest<ModelManifestGenerator, DefaultVerifier>
        {
            ReferenceAssemblies = s_runtime,
            TestState =
            {
                Sources = { "namespace Consumer { internal static class Empty { } }" },
                AdditionalFiles = { ("/0/m.models.json", text) },
                ExpectedDiagnostics =
                {
                    new DiagnosticResult("MM0203", Microsoft.CodeAnalysis.DiagnosticSeverity.Error)
                        .WithSpan("/0/m.models.json", lines.Start.Line + 1, lines.Start.Character + 1, lines.End.Line + 1, lines.End.Character + 1)
                        .WithMessage("'assets[0].sha256' must be a SHA-256 digest of 64 lowercase hexadecimal characters, found 'xyz'"),
                },
            },
        };
        test.TestState.AdditionalReferences.AddRange(Harness.References);
        await test.RunAsync();
    }
}
