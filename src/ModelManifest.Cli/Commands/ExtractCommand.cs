using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using ModelManifest.Checkpoints;
using ModelManifest.Cli.Extraction;
using ModelManifest.Cli.Output;
using ModelManifest.IO;
using Spectre.Console;

namespace ModelManifest.Cli.Commands;

/// <summary><c>extract &lt;checkpoint&gt;</c>: read a checkpoint's own metadata into a manifest fragment, or into a manifest file.</summary>
internal static class ExtractCommand
{
    public static Command Create()
    {
        var checkpoint = new Argument<string>("checkpoint") { Description = "Checkpoint file: .safetensors, .gguf, .onnx, PyTorch zip (.pt/.ckpt) or any other file." };
        var into = new Option<string?>("--into") { Description = "Manifest file to add the entry to or update in place (created if missing); written atomically." };
        var noHash = new Option<bool>("--no-hash") { Description = "Skip the sha256 (metadata only; the fragment then lacks the required sha256)." };
        var id = new Option<string?>("--id") { Description = "Model id (default: derived from the file name)." };
        var version = new Option<string>("--version") { Description = "Model version (semver).", DefaultValueFactory = _ => "1.0.0" };
        var assetId = new Option<string?>("--asset-id") { Description = "Asset id (default: the model id)." };
        var tag = new Option<string?>("--tag") { Description = "Asset tag, for example a quantization such as q4_k_m." };
        var json = new Option<bool>("--json") { Description = "Print only the manifest fragment as JSON (for scripts)." };
        var allowUnsafe = new Option<bool>("--allow-unsafe")
        {
            Description = "Write the entry even for a PyTorch checkpoint that torch.load(weights_only=True) would refuse (the verdict is recorded in its provenance).",
        };

        var command = new Command("extract", "Read a checkpoint's metadata (size, sha256, format, tensors, inputs/outputs, provenance) into a manifest entry.")
        {
            checkpoint, into, noHash, id, version, assetId, tag, json, allowUnsafe,
        };
        command.SetAction(parse => CommandHost.Run(parse, host =>
        {
            string path = CommandHost.RequireFile(parse.GetValue(checkpoint)!);
            string? manifest = parse.GetValue(into);
            bool hash = !parse.GetValue(noHash);
            if (manifest is not null && !hash)
            {
                throw new CliException(Diagnostics.InvalidOptions, "--into needs the sha256: a manifest asset without one is invalid; drop --no-hash");
            }

            string modelId = parse.GetValue(id) ?? ManifestFragment.IdFromFileName(path);
            var identity = new EntryIdentity(modelId, parse.GetValue(version)!, parse.GetValue(assetId) ?? modelId, parse.GetValue(tag));
            ValidateIdentity(identity);

            CheckpointInfo info = Inspect(host, path, hash);
            if (info.Torch is { IsSafe: false } torch && !parse.GetValue(allowUnsafe))
            {
                RefuseUnsafe(path, torch);
            }

            JsonObject model = ManifestFragment.Model(info, identity);
            JsonObject asset = ManifestFragment.Asset(info, identity);
            if (manifest is not null)
            {
                bool created = WriteInto(manifest, model, asset);
                host.Output.WriteLine($"{(created ? "created" : "updated")} {manifest}: model {identity.ModelId} {identity.Version}, asset {identity.AssetId}{(identity.Tag is null ? "" : ":" + identity.Tag)} ({ManifestFragment.FormatName(info.Format)}, {info.Size} bytes, sha256 {info.Sha256})");
                return ExitCodes.Ok;
            }

            string fragment = ManifestFragment.Document(model, asset).ToJsonString(Json.Indented);
            if (!parse.GetValue(json))
            {
                WriteSummary(host, info);
            }

            host.Output.WriteLine(fragment);
            return ExitCodes.Ok;
        }));
        return command;
    }

    internal static CheckpointInfo Inspect(CommandHost host, string path, bool hash)
    {
        if (!hash || host.Plain)
        {
            return CheckpointInspector.Inspect(path, hash);
        }

        CheckpointInfo? info = null;
        host.Console.Progress().AutoClear(true).Start(ctx =>
        {
            long size = new FileInfo(path).Length;
            ProgressTask task = ctx.AddTask("sha256 " + Path.GetFileName(path), maxValue: Math.Max(1, size));
            info = CheckpointInspector.Inspect(path, hash, new Progress<long>(done => task.Value = done));
            task.Value = task.MaxValue;
        });
        return info!;
    }

    private static void RefuseUnsafe(string path, TorchCheckpointInfo torch)
    {
        IEnumerable<string> reasons = torch.UnsafeGlobals.Select(ManifestFragment.Describe).Concat(torch.Problems);
        string code = torch.UnsafeGlobals.IsEmpty ? Diagnostics.StructuralProblem : Diagnostics.UnsafePickle;
        throw new CliException(code, $"{path}: not written: {string.Join("; ", reasons)} (run 'modelmanifest verify' for the list; --allow-unsafe records the entry with this verdict)", ExitCodes.Findings);
    }

    internal static void ValidateIdentity(EntryIdentity identity)
    {
        foreach (string? value in new[] { identity.ModelId, identity.AssetId, identity.Tag })
        {
            if (value is not null && !System.Text.RegularExpressions.Regex.IsMatch(value, "^[A-Za-z0-9][A-Za-z0-9._:+-]{0,199}$"))
            {
                throw new CliException(Diagnostics.InvalidOptions, $"'{value}' is not a valid identifier (letters, digits, then . _ : + -)");
            }
        }

        if (!System.Text.RegularExpressions.Regex.IsMatch(identity.Version,
            @"^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?(\+[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?$"))
        {
            throw new CliException(Diagnostics.InvalidOptions, $"--version '{identity.Version}' is not a semantic version such as 1.0.0");
        }
    }

    /// <summary>Adds/updates the entries in <paramref name="manifest"/>; returns true when the file was created.</summary>
    internal static bool WriteInto(string manifest, JsonObject? model, JsonObject? asset) => WriteInto(manifest, model, asset is null ? [] : [asset]);

    /// <summary>Adds/updates a model and several assets (<c>import</c>) in <paramref name="manifest"/> in one atomic write; returns true when the file was created.</summary>
    internal static bool WriteInto(string manifest, JsonObject? model, IReadOnlyList<JsonObject> assets)
    {
        if (!File.Exists(manifest))
        {
            if (model is null || assets.Count == 0)
            {
                throw new CliException(Diagnostics.FileNotReadable, $"{manifest}: file not found");
            }

            JsonObject document = ManifestFragment.Document(model, assets[0]);
            foreach (JsonObject more in assets.Skip(1))
            {
                document["assets"]!.AsArray().Add(more.DeepClone());
            }

            // Editors load a schema beside the manifest offline; the schema's $id URL is an identifier nothing serves.
            SchemaCopy.EnsureBeside(manifest);
            document.Insert(0, "$schema", SchemaCopy.Reference);
            Write(manifest, System.Text.Encoding.UTF8.GetBytes(document.ToJsonString(Json.Indented) + "\n"));
            return true;
        }

        byte[] original = File.ReadAllBytes(manifest);
        byte[] updated;
        try
        {
            updated = ManifestEditor.Upsert(original, model, null);
            foreach (JsonObject asset in assets)
            {
                updated = ManifestEditor.Upsert(updated, null, asset);
            }
        }
        catch (FormatException e)
        {
            throw new CliException(Diagnostics.ManifestUnreadable, $"{manifest}: {e.Message}");
        }

        if (!updated.AsSpan().SequenceEqual(original))
        {
            Write(manifest, updated);
        }

        return false;
    }

    private static void Write(string manifest, byte[] bytes)
    {
        try
        {
            AtomicFile.WriteAllBytes(manifest, bytes, durable: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliException(Diagnostics.ManifestNotWritten, $"{manifest}: {e.Message}");
        }
    }

    private static void WriteSummary(CommandHost host, CheckpointInfo info)
    {
        var table = new Table().AddColumn("field").AddColumn("value");
        table.AddRow("file", Markup.Escape(info.FileName));
        table.AddRow("format", ManifestFragment.FormatName(info.Format));
        table.AddRow("size", $"{info.Size:N0} bytes");
        table.AddRow("sha256", info.Sha256 ?? "(skipped)");
        if (info.ParameterCount is { } parameters)
        {
            table.AddRow("parameters", parameters.ToString("N0", System.Globalization.CultureInfo.InvariantCulture));
        }

        if (info.Safetensors is { } st)
        {
            table.AddRow("tensors", st.Tensors.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        if (info.Gguf is { } g)
        {
            table.AddRow("architecture", Markup.Escape(g.Architecture ?? "?"));
            table.AddRow("quantization", Markup.Escape(g.Quantization ?? "?"));
            table.AddRow("context length", g.ContextLength?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "?");
        }

        if (info.Onnx is { } o)
        {
            table.AddRow("opsets", Markup.Escape(string.Join(", ", o.OpsetImports.Select(x => $"{(x.Domain.Length == 0 ? "ai.onnx" : x.Domain)} {x.Version}"))));
            foreach (OnnxValueInfo v in o.Inputs)
            {
                table.AddRow("input", Markup.Escape($"{v.Name}: {v.ElementType} [{string.Join(", ", v.HasShape ? v.Shape : [])}]"));
            }

            foreach (OnnxValueInfo v in o.Outputs)
            {
                table.AddRow("output", Markup.Escape($"{v.Name}: {v.ElementType} [{string.Join(", ", v.HasShape ? v.Shape : [])}]"));
            }
        }

        if (info.Torch is { } t)
        {
            table.AddRow("zip entries", t.Entries.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
            table.AddRow("metadata", Markup.Escape(t.MetadataEntry ?? "(none)"));
            table.AddRow("tensors", t.Tensors.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
            table.AddRow("pickle check", t.IsSafe ? "pass (weights-only loadable)" : Markup.Escape($"FAIL: {t.UnsafeGlobals.Length} refused globals, {t.Problems.Length} problems"));
        }

        host.Console.Write(table);
    }
}

/// <summary>Shared JSON writer settings for the checkpoint commands.</summary>
internal static class Json
{
    /// <summary>The <c>formatVersion</c> every command's <c>--json</c> object carries; raised when a field changes meaning or goes away.</summary>
    public const int FormatVersion = 1;

    public static readonly JsonSerializerOptions Indented = new()
    {
        WriteIndented = true,
        IndentSize = 2,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}
