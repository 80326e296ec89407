namespace ModelManifest.Tests;

/// <summary>
/// Our structural layer must agree with the reference validator (NJsonSchema) on whether a manifest fits the
/// schema, over the examples and thousands of seeded mutations of them.
/// </summary>
public sealed class DifferentialValidationTests
{
    private const int MutationsPerExample = 800;

    [Fact]
    public async Task Structural_verdict_agrees_with_NJsonSchema_on_examples_and_mutations()
    {
        var reference = await NJsonSchema.JsonSchema.FromFileAsync(TestPaths.SchemaFile);
        var schema = ManifestSchema.Load(File.ReadAllText(TestPaths.SchemaFile));
        var disagreements = new List<string>();
        int total = 0, invalid = 0;
        foreach (string example in TestPaths.Examples)
        {
            string original = File.ReadAllText(example);
            var mutator = new ManifestMutator(seed: Path.GetFileName(example).Length * 7919);
            var corpus = new List<string> { original };
            for (int i = 0; i < MutationsPerExample; i++)
            {
                corpus.Add(mutator.MutateStructure(original));
            }

            foreach (string json in corpus)
            {
                total++;
                var parsed = JsonSyntaxParser.Parse(json);
                Assert.NotNull(parsed.Root);
                var ours = new List<ManifestDiagnostic>();
                StructuralValidator.Validate(parsed.Root!, schema.Root, "m.json", parsed.Lines, ours);
                // MM0207 (integer beyond 64 bits) is our typed-surface limit, not a JSON Schema rule.
                bool oursValid = !ours.Any(d => d.Severity == ManifestSeverity.Error && d.Id != "MM0207");
                var theirs = reference.Validate(json);
                bool theirsValid = theirs.Count == 0;
                invalid += oursValid ? 0 : 1;
                if (oursValid != theirsValid && disagreements.Count < 5)
                {
                    disagreements.Add($"ours={(oursValid ? "valid" : string.Join("; ", ours))} theirs={(theirsValid ? "valid" : string.Join("; ", theirs.Select(t => t.Kind + "@" + t.Path)))}\n{json}");
                }
            }
        }

        Assert.True(total >= 2000, "corpus too small: " + total);
        Assert.True(disagreements.Count == 0, string.Join("\n-----\n", disagreements));
        // The corpus must exercise both verdicts, or agreement would prove nothing.
        Assert.InRange(invalid, total / 5, total - (total / 20));
    }
}
