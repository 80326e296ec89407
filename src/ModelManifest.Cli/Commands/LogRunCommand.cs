using System.CommandLine;
using System.Globalization;
using Microsoft.ML.OnnxRuntime;
using ModelManifest.Assets;
using ModelManifest.Checkpoints;
using ModelManifest.Cli.Output;
using ModelManifest.Cli.Runs;
using ModelManifest.IO;

namespace ModelManifest.Cli.Commands;

/// <summary><c>log-run &lt;onnx&gt;</c>: run a model on deterministic synthetic inputs and save inputs and outputs as safetensors.</summary>
internal static class LogRunCommand
{
    public static Command Create()
    {
        var model = new Argument<string>("model") { Description = "ONNX model file." };
        var output = new Option<string?>("--output", "-o") { Description = "safetensors file to write (default: <model>.run.safetensors)." };
        var seed = new Option<ulong>("--seed") { Description = "Seed of the synthetic inputs.", DefaultValueFactory = _ => 42UL };

        var command = new Command("log-run", "Run an ONNX model (ONNX Runtime, CPU) on deterministic synthetic inputs; write inputs and outputs to a safetensors file.")
        {
            model, output, seed,
        };
        command.SetAction(parse => CommandHost.Run(parse, host =>
        {
            string path = CommandHost.RequireFile(parse.GetValue(model)!);
            if (CheckpointSniffer.DetectFile(path) != CheckpointFormat.Onnx)
            {
                throw new CliException(Diagnostics.UnsupportedFormat, $"{path}: log-run needs an ONNX model");
            }

            string target = parse.GetValue(output) ?? Path.ChangeExtension(path, ".run.safetensors");
            ulong seedValue = parse.GetValue(seed);
            using InferenceSession session = OnnxRunner.Load(path);
            List<RawTensor> inputs = OnnxRunner.SyntheticInputs(session, seedValue);
            var skipped = new List<string>();
            List<RawTensor> outputs = OnnxRunner.Run(session, inputs, skipped);

            var writer = new SafetensorsWriter();
            writer.Metadata["runtime"] = "onnxruntime";
            writer.Metadata["runtimeVersion"] = OnnxRunner.RuntimeVersion;
            writer.Metadata["executionProvider"] = "CPUExecutionProvider";
            writer.Metadata["model"] = Path.GetFileName(path);
            writer.Metadata["modelSha256"] = Sha256File.ComputeAsync(path, CancellationToken.None).GetAwaiter().GetResult();
            writer.Metadata["seed"] = seedValue.ToString(CultureInfo.InvariantCulture);
            writer.Metadata["os"] = System.Runtime.InteropServices.RuntimeInformation.RuntimeIdentifier;
            writer.Metadata["createdAt"] = DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
            foreach (RawTensor t in inputs)
            {
                writer.Add("input/" + t.Name, t.DType, t.Shape, t.Data);
            }

            foreach (RawTensor t in outputs)
            {
                writer.Add("output/" + t.Name, t.DType, t.Shape, t.Data);
            }

            AtomicFile.WriteAllBytes(target, ToBytes(writer), durable: true);
            foreach (string name in skipped)
            {
                host.WriteWarning(Diagnostics.UnsupportedInput, $"output '{name}' is not a numeric tensor and was not logged");
            }

            host.Output.WriteLine($"wrote {target}: {inputs.Count} inputs, {outputs.Count} outputs, onnxruntime {OnnxRunner.RuntimeVersion}, seed {seedValue}");
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static byte[] ToBytes(SafetensorsWriter writer)
    {
        using var ms = new MemoryStream();
        writer.WriteTo(ms);
        return ms.ToArray();
    }
}
