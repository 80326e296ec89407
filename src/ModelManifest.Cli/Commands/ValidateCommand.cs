using System.CommandLine;
using System.Text.Json;
using ModelManifest.Cli.Output;
using ModelManifest.Cli.Validation;
using ModelManifest.Reading;

namespace ModelManifest.Cli.Commands;

/// <summary>
/// <c>modelmanifest validate &lt;files|folders…&gt;</c>: reads manifests as one set (references may resolve across
/// files), prints diagnostics in the compiler form <c>file(line,col): error MM0203: …</c>, and cross-checks each
/// file with the reference JSON Schema validator (NJsonSchema). Exit: 0 valid, 1 errors found, 2 usage error.
/// </summary>
internal static class ValidateCommand
{
    public static Command Create()
    {
        var paths = new Argument<string[]>("paths") { Description = "Manifest files, or folders searched for *.models.json.", Arity = ArgumentArity.OneOrMore };
        var json = new Option<bool>("--json") { Description = "Write diagnostics as JSON to stdout." };
        var noReference = new Option<bool>("--no-reference") { Description = "Skip the NJsonSchema cross-check." };
        var command = new Command("validate", "Validate model manifests against the schema and the semantic rules.") { paths, json, noReference };
        command.SetAction(parse => Run(parse.GetValue(paths)!, parse.GetValue(json), !parse.GetValue(noReference), Console.Out, Console.Error));
        return command;
    }

    internal static int Run(IReadOnlyList<string> inputs, bool asJson, bool crossCheck, TextWriter stdout, TextWriter stderr)
    {
        var files = ManifestFiles.Expand(inputs, out string? missing);
        if (missing is not null)
        {
            stderr.WriteLine("error: no such file or folder: " + missing);
            return ExitCodes.UsageError;
        }

        if (files.Count == 0)
        {
            stderr.WriteLine($"error: no {ManifestFiles.Pattern} files found in " + string.Join(", ", inputs));
            return ExitCodes.UsageError;
        }

        var results = ManifestReader.ReadFiles(files);
        var disagreements = new List<string>();
        var crossCheckFailures = new List<string>();
        if (crossCheck)
        {
            var reference = ReferenceSchemaValidator.Create(ManifestSchema.EmbeddedText);
            foreach (var result in results)
            {
                if (result.Syntax?.Root is null)
                {
                    continue; // not JSON at all: nothing for a schema validator to judge
                }

                // Compare like with like: our structural layer alone (the schema), without version or semantic rules.
                var structural = new List<ManifestDiagnostic>();
                StructuralValidator.Validate(result.Syntax.Root, ManifestReader.Schema.Root, result.Path, result.Syntax.Lines, structural);
                bool oursValid = !structural.Any(d => d.Severity == ManifestSeverity.Error && d.Id != ManifestDiagnosticDescriptors.IntegerOverflow.Id);
                if (!reference.TryValidate(File.ReadAllText(result.Path!), out var findings, out string? failure))
                {
                    crossCheckFailures.Add($"{result.Path}: warning {Diagnostics.CrossCheckFailed}: the reference validator (NJsonSchema) failed on this file, so the cross-check could not judge it: {failure}");
                    continue;
                }

                if (oursValid != (findings.Count == 0))
                {
                    string theirs = findings.Count == 0 ? "valid" : string.Join("; ", findings.Take(3).Select(f => $"({f.Line},{f.Column}) {f.Kind} at {f.Path}"));
                    disagreements.Add($"{result.Path}: reference validator (NJsonSchema) says {theirs}; ModelManifest says {(oursValid ? "valid" : "invalid")}");
                }
            }
        }

        var all = results.SelectMany(r => r.Diagnostics).ToList();
        int errors = all.Count(d => d.Severity == ManifestSeverity.Error);
        int warnings = all.Count(d => d.Severity == ManifestSeverity.Warning);
        if (asJson)
        {
            WriteJson(stdout, all, files.Count, errors, warnings, disagreements, crossCheckFailures);
        }
        else
        {
            foreach (var d in all)
            {
                stdout.WriteLine(d.ToString());
            }

            foreach (string line in disagreements)
            {
                stdout.WriteLine("note: " + line);
            }

            foreach (string line in crossCheckFailures)
            {
                stdout.WriteLine(line);
            }

            stdout.WriteLine($"{files.Count} manifest(s): {errors} error(s), {warnings} warning(s)" + (crossCheck ? "; NJsonSchema cross-check " + CrossCheckSummary(disagreements.Count, crossCheckFailures.Count) : string.Empty));
        }

        return errors > 0 ? ExitCodes.Findings : ExitCodes.Ok;
    }

    private static string CrossCheckSummary(int disagreements, int failures)
    {
        string verdict = disagreements == 0 ? "agrees" : "DISAGREES on " + disagreements + " file(s)";
        return failures == 0 ? verdict : verdict + ", FAILED on " + failures + " file(s)";
    }

    private static void WriteJson(TextWriter stdout, List<ManifestDiagnostic> diagnostics, int files, int errors, int warnings, List<string> disagreements, List<string> crossCheckFailures)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WriteNumber("formatVersion", Json.FormatVersion);
            writer.WriteNumber("files", files);
            writer.WriteNumber("errors", errors);
            writer.WriteNumber("warnings", warnings);
            writer.WriteStartArray("diagnostics");
            foreach (var d in diagnostics)
            {
                writer.WriteStartObject();
                writer.WriteString("id", d.Id);
                writer.WriteString("severity", d.Severity.ToString().ToLowerInvariant());
                writer.WriteString("message", d.Message);
                writer.WriteString("file", d.FilePath);
                writer.WriteNumber("line", d.Start.Line + 1);
                writer.WriteNumber("column", d.Start.Column + 1);
                writer.WriteNumber("endLine", d.End.Line + 1);
                writer.WriteNumber("endColumn", d.End.Column + 1);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteStartArray("referenceDisagreements");
            foreach (string s in disagreements)
            {
                writer.WriteStringValue(s);
            }

            writer.WriteEndArray();
            writer.WriteStartArray("referenceFailures");
            foreach (string s in crossCheckFailures)
            {
                writer.WriteStringValue(s);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        stdout.WriteLine(System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
    }
}
