using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using ModelManifest.Assets;
using ModelManifest.Checkpoints;
using ModelManifest.Cli.Extraction;
using ModelManifest.Cli.Output;
using ModelManifest.Cli.Runs;
using ModelManifest.IO;
using Spectre.Console;

namespace ModelManifest.Cli.Commands;

/// <summary>
/// <c>verify &lt;checkpoint&gt;</c>: safetensors/GGUF structural checks; PyTorch pickles interpreted without running
/// them (would <c>torch.load(weights_only=True)</c> accept the file, is every tensor backed by data?); ONNX loaded by ONNX Runtime in a separate
/// process (a crash or hang there cannot take this process down); with <c>--into</c> the result is recorded in the
/// manifest entries whose asset has the file's sha256.
/// </summary>
internal static class VerifyCommand
{
    internal const string WorkerName = "verify-onnx-worker";

    public static Command Create()
    {
        var checkpoint = new Argument<string>("checkpoint") { Description = "Checkpoint file to verify, or a model id[@version] from the --manifest files (an existing file wins)." };
        var manifests = new Option<string[]>("--manifest", "-m") { Description = $"Manifest files or folders (searched for {ManifestFiles.Pattern}) to find the model in.", AllowMultipleArgumentsPerToken = true };
        var sources = new Option<string[]>("--source", "-s") { Description = "Model form: where to fetch from, in priority order (repeatable): a folder, file://, an http(s) base URL, s3://, azblob://, oci://, hf:// or registry+https:// (docs/sources.md).", AllowMultipleArgumentsPerToken = true };
        var settings = SourceSpec.CreateSettingOption("--source");
        var cacheRoot = new Option<string?>("--cache") { Description = "Model form: cache folder (default: MODELMANIFEST_CACHE, XDG_CACHE_HOME/modelmanifest or ~/.cache/modelmanifest)." };
        var offline = new Option<bool>("--offline") { Description = "Model form: open no connection; only the cache and folder sources." };
        var into = new Option<string?>("--into") { Description = "Manifest to record the result in (models whose asset has this file's sha256)." };
        var timeout = new Option<int>("--timeout") { Description = "Seconds to wait for the ONNX loader process.", DefaultValueFactory = _ => 600 };
        var json = new Option<bool>("--json") { Description = "Print the result as JSON." };

        var command = new Command("verify", "Check that a checkpoint is consistent and loads: structure for safetensors/GGUF, a safe (never executed) unpickling for PyTorch, ONNX Runtime in a separate process for ONNX.")
        {
            checkpoint, manifests, sources, settings, cacheRoot, offline, into, timeout, json,
        };
        command.SetAction(parse => CommandHost.Run(parse, host =>
        {
            string target = parse.GetValue(checkpoint)!;
            if (!File.Exists(target))
            {
                if (parse.GetValue(into) is not null)
                {
                    throw new CliException(Diagnostics.InvalidOptions, "--into records the result of verifying a file; it does not apply to a model id");
                }

                var request = new ModelVerification.Request(target, parse.GetValue(manifests) ?? [], SourceSpec.FromCommandLine(parse, settings, sources)[sources],
                    parse.GetValue(cacheRoot), parse.GetValue(offline), TimeSpan.FromSeconds(Math.Max(1, parse.GetValue(timeout))));
                JsonObject report = ModelVerification.Run(host, request, out bool allPass);
                Print(host, report, parse.GetValue(json));
                return allPass ? ExitCodes.Ok : ExitCodes.Findings;
            }

            string path = CommandHost.RequireFile(target);
            string? manifest = parse.GetValue(into);
            if (manifest is not null && !File.Exists(manifest))
            {
                throw new CliException(Diagnostics.FileNotReadable, $"{manifest}: file not found");
            }

            JsonObject result = Verify(path, TimeSpan.FromSeconds(Math.Max(1, parse.GetValue(timeout))));
            bool pass = (string?)result["status"] == "pass";
            if (manifest is not null)
            {
                Record(host, manifest, path, result);
            }

            if (parse.GetValue(json))
            {
                var versioned = new JsonObject { ["formatVersion"] = Json.FormatVersion };
                foreach (var (key, value) in result)
                {
                    versioned[key] = value?.DeepClone();
                }

                host.Output.WriteLine(versioned.ToJsonString(Json.Indented));
            }
            else
            {
                host.Console.Write(Table(result));
            }

            WriteProblems(host, path, result);
            return pass ? ExitCodes.Ok : ExitCodes.Findings;
        }));
        return command;
    }

    /// <summary>The model form's report: the JSON as is, or one table per asset; then each problem as an error line.</summary>
    private static void Print(CommandHost host, JsonObject report, bool asJson)
    {
        if (asJson)
        {
            host.Output.WriteLine(report.ToJsonString(Json.Indented));
        }

        foreach (JsonObject asset in report["assets"]!.AsArray().OfType<JsonObject>())
        {
            if (!asJson)
            {
                host.Console.Write(Table(asset));
            }

            WriteProblems(host, $"{report["model"]}@{report["version"]} asset {asset["asset"]}", asset);
        }
    }

    private static Table Table(JsonObject result)
    {
        var table = new Table().AddColumns("field", "value");
        foreach (var (key, value) in result)
        {
            table.AddRow(key, Markup.Escape(value is JsonArray a ? string.Join("; ", a.Select(x => x is JsonObject o ? o.ToJsonString() : x?.ToString())) : value?.ToString() ?? ""));
        }

        return table;
    }

    private static void WriteProblems(CommandHost host, string where, JsonObject result)
    {
        foreach (JsonNode? problem in result["problems"]?.AsArray() ?? [])
        {
            host.WriteError((string?)result["code"] ?? Diagnostics.StructuralProblem, $"{where}: {(string?)problem}");
        }
    }

    /// <summary>The hidden child-process side: load one ONNX model and print one JSON line.</summary>
    public static Command CreateWorker()
    {
        var model = new Argument<string>("model");
        var command = new Command(WorkerName, "internal: load an ONNX model with ONNX Runtime and report as JSON") { model };
        command.Hidden = true;
        command.SetAction(parse =>
        {
            var report = new JsonObject { ["runtimeVersion"] = OnnxRunner.RuntimeVersion };
            try
            {
                using var session = OnnxRunner.Load(parse.GetValue(model)!);
                report["ok"] = true;
                report["inputs"] = session.InputMetadata.Count;
                report["outputs"] = session.OutputMetadata.Count;
            }
            catch (Exception e)
            {
                report["ok"] = false;
                report["error"] = CommandHost.FirstLine(e.Message);
            }

            parse.InvocationConfiguration.Output.WriteLine(report.ToJsonString());
            return (bool)report["ok"]! ? ExitCodes.Ok : ExitCodes.Findings;
        });
        return command;
    }

    internal static JsonObject Verify(string path, TimeSpan timeout)
    {
        var result = new JsonObject();
        var problems = new List<string>();
        string date = DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        string code = Diagnostics.StructuralProblem;
        CheckpointFormat format = CheckpointSniffer.DetectFile(path);
        result["format"] = ManifestFragment.FormatName(format);
        try
        {
            switch (format)
            {
                case CheckpointFormat.Safetensors:
                    result["method"] = "structural";
                    problems.AddRange(SafetensorsReader.Check(SafetensorsReader.ReadFile(path)));
                    break;
                case CheckpointFormat.Gguf:
                    result["method"] = "structural";
                    problems.AddRange(GgufReader.Check(GgufReader.ReadFile(path)));
                    break;
                case CheckpointFormat.Torch:
                    result["method"] = "safe unpickling (weights-only allow-list, nothing executed)";
                    TorchCheckpointInfo torch = TorchZipReader.ReadFile(path);
                    result["tensors"] = torch.Tensors.Length;
                    result["parameters"] = torch.ParameterCount;
                    if (!torch.UnsafeGlobals.IsEmpty)
                    {
                        code = Diagnostics.UnsafePickle;
                        result["unsafeGlobals"] = ManifestFragment.UnsafeGlobals(torch);
                        problems.AddRange(torch.UnsafeGlobals.Select(ManifestFragment.Describe));
                    }

                    problems.AddRange(torch.Problems);
                    break;
                case CheckpointFormat.Onnx:
                    result["method"] = "onnxruntime (separate process)";
                    _ = OnnxReader.ReadFile(path);
                    code = Diagnostics.RuntimeFailed;
                    var (exit, stdout, stderr) = SelfProcess.Run(timeout, WorkerName, path);
                    JsonObject? report = ParseReport(stdout);
                    if (exit is null)
                    {
                        code = Diagnostics.WorkerFailed;
                        problems.Add($"the loader process did not finish within {timeout.TotalSeconds:0} s and was stopped");
                    }
                    else if (report is null)
                    {
                        code = Diagnostics.WorkerFailed;
                        problems.Add($"the loader process exited with code {exit} without a report: {CommandHost.FirstLine(stderr)}");
                    }
                    else
                    {
                        result["runtime"] = "onnxruntime";
                        result["runtimeVersion"] = (string?)report["runtimeVersion"];
                        if ((bool?)report["ok"] != true)
                        {
                            problems.Add("ONNX Runtime could not load the model: " + (string?)report["error"]);
                        }
                    }

                    break;
                default:
                    throw new CliException(Diagnostics.UnsupportedFormat, $"{path}: verify supports safetensors, GGUF, ONNX and PyTorch zip files; this file's format is not recognised");
            }
        }
        catch (CheckpointFormatException e)
        {
            code = Diagnostics.MalformedCheckpoint;
            problems.Add(e.Detail);
        }

        result["status"] = problems.Count == 0 ? "pass" : "fail";
        result["date"] = date;
        result["tool"] = ManifestFragment.ToolName;
        if (problems.Count > 0)
        {
            result["code"] = code;
            result["problems"] = new JsonArray(problems.Select(p => (JsonNode)JsonValue.Create(p)).ToArray());
        }

        return result;
    }

    private static JsonObject? ParseReport(string stdout)
    {
        string? line = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault(l => l.StartsWith('{'));
        try
        {
            return line is null ? null : JsonNode.Parse(line) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static void Record(CommandHost host, string manifest, string path, JsonObject result)
    {
        string sha256 = Sha256File.ComputeAsync(path, CancellationToken.None).GetAwaiter().GetResult();
        byte[] text = File.ReadAllBytes(manifest);
        IReadOnlyList<(string Id, string? Tag)> assets;
        var models = new List<(string Id, string Version)>();
        try
        {
            assets = ManifestEditor.AssetsWithSha256(text, sha256);
            foreach (var (id, tag) in assets)
            {
                models.AddRange(ManifestEditor.ModelsReferencing(text, id, tag));
            }
        }
        catch (FormatException e)
        {
            throw new CliException(Diagnostics.ManifestUnreadable, $"{manifest}: {e.Message}");
        }

        if (models.Count == 0)
        {
            throw new CliException(Diagnostics.AssetNotInManifest, $"{manifest}: no model references an asset with sha256 {sha256}; run 'modelmanifest extract {Path.GetFileName(path)} --into {manifest}' first", ExitCodes.Findings);
        }

        foreach (var (id, version) in models.Distinct())
        {
            var entry = new JsonObject { ["id"] = id, ["version"] = version };
            if ((string?)result["status"] == "pass" && (string?)result["runtime"] == "onnxruntime")
            {
                entry["compatibility"] = new JsonObject { ["accelerators"] = new JsonObject { ["cpu"] = "compatible" } };
            }

            entry["metadata"] = new JsonObject { ["verification"] = result.DeepClone() };
            text = ManifestEditor.Upsert(text, entry, null);
            host.Error.WriteLine($"recorded verification ({(string?)result["status"]}) in {manifest} for model {id} {version}");
        }

        AtomicFile.WriteAllBytes(manifest, text, durable: true);
    }
}
