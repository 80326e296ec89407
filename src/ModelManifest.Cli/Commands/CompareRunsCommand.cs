using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using ModelManifest.Cli.Output;
using ModelManifest.Cli.Runs;
using Spectre.Console;

namespace ModelManifest.Cli.Commands;

/// <summary><c>compare-runs &lt;a&gt; &lt;b&gt;</c>: numerical divergence between two log-run files, tensor by tensor.</summary>
internal static class CompareRunsCommand
{
    public static Command Create()
    {
        var a = new Argument<string>("a") { Description = "First run (safetensors written by log-run)." };
        var b = new Argument<string>("b") { Description = "Second run; relative errors are taken against it." };
        var atol = new Option<double>("--atol") { Description = "Absolute tolerance.", DefaultValueFactory = _ => 1e-8 };
        var rtol = new Option<double>("--rtol") { Description = "Relative tolerance (|a-b| <= atol + rtol*|b|, as numpy.isclose).", DefaultValueFactory = _ => 1e-5 };
        var json = new Option<bool>("--json") { Description = "Print the comparison as JSON." };

        var command = new Command("compare-runs", "Compare two log-run files tensor by tensor: max abs/rel error, ULP distance, count over tolerance; exit 1 beyond tolerance.")
        {
            a, b, atol, rtol, json,
        };
        command.SetAction(parse => CommandHost.Run(parse, host =>
        {
            string pathA = CommandHost.RequireFile(parse.GetValue(a)!);
            string pathB = CommandHost.RequireFile(parse.GetValue(b)!);
            double absTol = parse.GetValue(atol), relTol = parse.GetValue(rtol);
            if (!(absTol >= 0) || !(relTol >= 0))
            {
                throw new CliException(Diagnostics.InvalidOptions, "--atol and --rtol must be non-negative numbers");
            }

            List<TensorDifference> results = TensorComparer.Compare(pathA, pathB, absTol, relTol);
            if (parse.GetValue(json))
            {
                var array = new JsonArray(results.Select(r => (JsonNode)new JsonObject
                {
                    ["name"] = r.Name,
                    ["dtype"] = r.DType,
                    ["elements"] = r.Elements,
                    ["maxAbsError"] = Number(r.MaxAbsError),
                    ["maxRelError"] = Number(r.MaxRelError),
                    ["maxUlp"] = r.MaxUlp,
                    ["overTolerance"] = r.OverTolerance,
                    ["mismatch"] = r.Mismatch,
                }).ToArray());
                host.Output.WriteLine(new JsonObject
                {
                    ["formatVersion"] = Json.FormatVersion,
                    ["atol"] = absTol,
                    ["rtol"] = relTol,
                    ["diverges"] = results.Any(r => r.Diverges),
                    ["tensors"] = array,
                }.ToJsonString(Json.Indented));
            }
            else
            {
                var table = new Table().AddColumns("tensor", "dtype", "elements", "max abs", "max rel", "max ULP", "over tol");
                foreach (TensorDifference r in results)
                {
                    table.AddRow(Markup.Escape(r.Name), r.DType, r.Elements.ToString(CultureInfo.InvariantCulture),
                        r.Mismatch is null ? G(r.MaxAbsError) : "-", r.Mismatch is null ? G(r.MaxRelError) : "-",
                        r.Mismatch is null ? r.MaxUlp.ToString(CultureInfo.InvariantCulture) : "-",
                        r.Mismatch is null ? r.OverTolerance.ToString(CultureInfo.InvariantCulture) : "mismatch");
                }

                host.Console.Write(table);
            }

            foreach (TensorDifference r in results.Where(r => r.Diverges))
            {
                if (r.Mismatch is not null)
                {
                    host.WriteError(Diagnostics.TensorMismatch, $"tensor '{r.Name}': {r.Mismatch}");
                }
                else
                {
                    host.WriteError(Diagnostics.OverTolerance, $"tensor '{r.Name}': {r.OverTolerance} of {r.Elements} elements beyond atol {G(absTol)} + rtol {G(relTol)} (max abs {G(r.MaxAbsError)}, max ULP {r.MaxUlp})");
                }
            }

            return results.Any(r => r.Diverges) ? ExitCodes.Findings : ExitCodes.Ok;
        }));
        return command;
    }

    private static string G(double value) => value.ToString("G6", CultureInfo.InvariantCulture);

    private static JsonNode Number(double value) => double.IsFinite(value) ? JsonValue.Create(value) : JsonValue.Create(value.ToString(CultureInfo.InvariantCulture));
}
