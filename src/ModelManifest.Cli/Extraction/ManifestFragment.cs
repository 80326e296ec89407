using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.Json.Nodes;
using ModelManifest.Checkpoints;

namespace ModelManifest.Cli.Extraction;

/// <summary>Identity of the entry <c>extract</c> writes: model id/version and asset id/tag.</summary>
internal sealed record EntryIdentity(string ModelId, string Version, string AssetId, string? Tag);

/// <summary>
/// Turns what the readers found in a checkpoint into a manifest model entry and asset entry (as JSON objects that
/// follow schema/model-manifest.schema.json).
/// </summary>
internal static class ManifestFragment
{
    public const string SchemaVersion = ManifestWriter.CurrentSchemaVersion;

    /// <summary>Modules whose training-time versions become package requirements.</summary>
    private static bool IsRequirementModule(string name) =>
        name is "torch" or "torch_geometric" or "torch-geometric" || name.StartsWith("anemoi", StringComparison.Ordinal);

    public static string ToolName =>
        "modelmanifest " + (typeof(ManifestFragment).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0");

    /// <summary>A valid identifier from a file name: invalid characters become '-', leading ones dropped.</summary>
    public static string IdFromFileName(string path)
    {
        string stem = Path.GetFileNameWithoutExtension(path);
        var sb = new StringBuilder(stem.Length);
        foreach (char ch in stem)
        {
            bool ok = char.IsAsciiLetterOrDigit(ch) || (sb.Length > 0 && ch is '.' or '_' or ':' or '+' or '-');
            if (ok)
            {
                sb.Append(ch);
            }
            else if (sb.Length > 0)
            {
                sb.Append('-');
            }
        }

        string id = sb.ToString().TrimEnd('-');
        return id.Length == 0 ? "model" : id.Length > 200 ? id[..200] : id;
    }

    public static string FormatName(CheckpointFormat format) => format switch
    {
        CheckpointFormat.Onnx => "onnx",
        CheckpointFormat.Safetensors => "safetensors",
        CheckpointFormat.Gguf => "gguf",
        CheckpointFormat.Torch => "torch",
        _ => "other",
    };

    public static JsonObject Asset(CheckpointInfo info, EntryIdentity identity)
    {
        var asset = new JsonObject { ["id"] = identity.AssetId };
        if (identity.Tag is not null)
        {
            asset["tag"] = identity.Tag;
        }

        asset["fileName"] = info.FileName;
        asset["size"] = info.Size;
        if (info.Sha256 is not null)
        {
            asset["sha256"] = info.Sha256;
        }

        asset["format"] = FormatName(info.Format);
        return asset;
    }

    public static JsonObject Model(CheckpointInfo info, EntryIdentity identity)
    {
        var reference = new JsonObject { ["id"] = identity.AssetId };
        if (identity.Tag is not null)
        {
            reference["tag"] = identity.Tag;
        }

        reference["role"] = info.Format == CheckpointFormat.Onnx ? "model" : "checkpoint";
        var model = new JsonObject
        {
            ["id"] = identity.ModelId,
            ["version"] = identity.Version,
        };
        if (info.Gguf?.Name is { Length: > 0 } name)
        {
            model["displayName"] = name;
        }

        model["assets"] = new JsonArray(reference);
        var provenance = new JsonObject();
        JsonObject checkpoint = info.Format switch
        {
            CheckpointFormat.Safetensors => Safetensors(info.Safetensors!),
            CheckpointFormat.Gguf => Gguf(info.Gguf!),
            CheckpointFormat.Onnx => Onnx(info.Onnx!, model, provenance),
            CheckpointFormat.Torch => Torch(info.Torch!, model, provenance),
            _ => [],
        };

        provenance["extractedBy"] = ToolName;
        model["provenance"] = provenance;
        checkpoint.Insert(0, "format", FormatName(info.Format));
        model["metadata"] = new JsonObject { ["checkpoint"] = checkpoint };
        return model;
    }

    /// <summary>A complete manifest holding one model and one asset.</summary>
    public static JsonObject Document(JsonObject model, JsonObject asset) => new()
    {
        ["schemaVersion"] = SchemaVersion,
        ["models"] = new JsonArray(model),
        ["assets"] = new JsonArray(asset),
    };

    private static JsonObject Safetensors(SafetensorsHeader h)
    {
        var result = new JsonObject
        {
            ["parameterCount"] = h.ParameterCount,
            ["tensorCount"] = h.Tensors.Length,
            ["dtypes"] = Histogram(h.Tensors.Select(t => t.DataType)),
            ["headerMetadata"] = StringMap(h.Metadata),
            ["tensors"] = TensorList(h.Tensors.Select(t => (t.Name, t.DataType, t.Shape))),
        };
        if (h.Tensors.Length > MaxListed)
        {
            result["tensorsNotListed"] = h.Tensors.Length - MaxListed;
        }

        return result;
    }

    /// <summary>The first <see cref="MaxListed"/> tensors as name, dtype, shape; counts and the histogram cover all.</summary>
    private static JsonArray TensorList(IEnumerable<(string Name, string DType, System.Collections.Immutable.ImmutableArray<long> Shape)> tensors) =>
        new(tensors.Take(MaxListed).Select(t => (JsonNode)new JsonObject
        {
            ["name"] = t.Name,
            ["dtype"] = t.DType,
            ["shape"] = new JsonArray(t.Shape.Select(d => (JsonNode)JsonValue.Create(d)).ToArray()),
        }).ToArray());

    private static JsonObject Gguf(GgufHeader h)
    {
        var result = new JsonObject { ["ggufVersion"] = h.Version };
        Put(result, "architecture", h.Architecture);
        Put(result, "name", h.Name);
        if (h.ContextLength is { } ctx)
        {
            result["contextLength"] = ctx;
        }

        if (h.FileType is { } ft)
        {
            result["fileType"] = ft;
        }

        Put(result, "quantization", h.Quantization);
        Put(result, "tokenizerModel", h.TokenizerModel);
        result["parameterCount"] = h.ParameterCount;
        result["tensorCount"] = h.Tensors.Length;
        var kv = new JsonObject();
        foreach (var (key, value) in h.Metadata)
        {
            kv[key] = GgufValue(value);
        }

        result["keyValues"] = kv;
        return result;
    }

    private static JsonNode? GgufValue(object value) => value switch
    {
        string s => s,
        bool b => b,
        float f => float.IsFinite(f) ? JsonValue.Create((double)f) : f.ToString(CultureInfo.InvariantCulture),
        double d => double.IsFinite(d) ? JsonValue.Create(d) : d.ToString(CultureInfo.InvariantCulture),
        ulong ul => JsonValue.Create(ul),
        GgufArray { Truncated: true } a => new JsonObject { ["elementType"] = a.ElementType.ToString(), ["count"] = a.Count },
        GgufArray a => new JsonArray(a.Values.Select(GgufValue).ToArray()),
        _ => JsonValue.Create(Convert.ToInt64(value, CultureInfo.InvariantCulture)),
    };

    private static JsonObject Onnx(OnnxModelInfo m, JsonObject model, JsonObject provenance)
    {
        model["inputs"] = new JsonObject { ["variables"] = Variables(m.Inputs) };
        model["outputs"] = new JsonObject { ["variables"] = Variables(m.Outputs) };
        Put(provenance, "framework", m.ProducerName);
        Put(provenance, "frameworkVersion", m.ProducerVersion);
        var opsets = new JsonObject();
        foreach (OnnxOpsetImport o in m.OpsetImports)
        {
            opsets[o.Domain.Length == 0 ? "ai.onnx" : o.Domain] = o.Version;
        }

        var result = new JsonObject { ["irVersion"] = m.IrVersion, ["opsetImports"] = opsets };
        Put(result, "producerName", m.ProducerName);
        Put(result, "producerVersion", m.ProducerVersion);
        Put(result, "domain", m.Domain);
        if (m.ModelVersion != 0)
        {
            result["modelVersion"] = m.ModelVersion;
        }

        Put(result, "graphName", m.GraphName);
        result["initializerCount"] = m.InitializerCount;
        result["metadataProps"] = StringMap(m.MetadataProps);
        return result;
    }

    private static JsonArray Variables(IEnumerable<OnnxValueInfo> values) => new(values.Select(v =>
    {
        var o = new JsonObject { ["name"] = v.Name };
        string? type = v.Kind == "tensor" ? v.ElementType : $"{v.Kind}<{v.ElementType ?? "?"}>";
        Put(o, "dataType", type);
        if (v.HasShape)
        {
            o["shape"] = new JsonArray(v.Shape.Select(d => d.Value is { } size
                ? (JsonNode)JsonValue.Create(size)
                : JsonValue.Create(string.IsNullOrEmpty(d.Symbol) ? "?" : d.Symbol)).ToArray());
        }

        return (JsonNode)o;
    }).ToArray());

    private static JsonObject Torch(TorchCheckpointInfo t, JsonObject model, JsonObject provenance)
    {
        TorchMetadata m = t.Metadata;
        var packages = new JsonArray();
        foreach (var (module, version) in m.ModuleVersions.Where(kv => IsRequirementModule(kv.Key)))
        {
            packages.Add(new JsonObject
            {
                ["name"] = module.Replace('.', '-').Replace('_', '-'),
                ["version"] = "==" + version,
                ["ecosystem"] = "pypi",
            });
        }

        var requirements = new JsonObject();
        if (packages.Count > 0)
        {
            requirements["packages"] = packages;
        }

        if (m.PythonVersion is { } py && py.Split('.') is [var major, var minor, ..])
        {
            requirements["runtimes"] = new JsonArray(new JsonObject { ["name"] = "python", ["version"] = $"=={major}.{minor}.*" });
        }

        if (requirements.Count > 0)
        {
            model["requirements"] = requirements;
        }

        JsonObject? grid = m.Grid is null ? null : new JsonObject { ["name"] = m.Grid };
        if (grid is not null && m.GridPoints is { } points)
        {
            grid["points"] = points;
        }

        if (m.Variables.Length > 0 || grid is not null || m.TimeStep is not null)
        {
            var inputs = new JsonObject();
            if (m.Variables.Length > 0)
            {
                inputs["variables"] = new JsonArray(m.Variables.Select(v => (JsonNode)new JsonObject { ["name"] = v }).ToArray());
            }

            if (grid is not null)
            {
                inputs["grid"] = grid.DeepClone();
            }

            Put(inputs, "timeStep", m.TimeStep);
            if (m.InputTimeSteps is { } steps)
            {
                inputs["timeSteps"] = steps;
            }

            model["inputs"] = inputs;
            var outputs = new JsonObject();
            if (grid is not null)
            {
                outputs["grid"] = grid;
            }

            Put(outputs, "timeStep", m.TimeStep);
            model["outputs"] = outputs;
        }

        if (t.MetadataEntry is not null)
        {
            Put(provenance, "framework", m.Framework == "anemoi" ? "anemoi-training" : m.Framework);
            string? fwVersion = m.ModuleVersions.GetValueOrDefault("anemoi.training") ?? m.ModuleVersions.GetValueOrDefault("anemoi-training");
            Put(provenance, "frameworkVersion", fwVersion);
        }

        if (m.ModuleVersions.Count > 0)
        {
            provenance["moduleVersions"] = StringMap(m.ModuleVersions);
        }

        Put(provenance, "trainingRunId", m.RunId);
        Put(provenance, "createdAt", m.CreatedAt);

        // The verdict of the safe unpickling: what torch.load(weights_only=True) would say, found without running it.
        var check = new JsonObject
        {
            ["status"] = t.IsSafe ? "pass" : t.UnsafeGlobals.IsEmpty ? "fail" : "unsafe",
            ["method"] = "modelmanifest safe unpickling (weights-only allow-list, nothing executed)",
        };
        if (!t.UnsafeGlobals.IsEmpty)
        {
            check["unsafeGlobals"] = UnsafeGlobals(t);
        }

        if (!t.Problems.IsEmpty)
        {
            check["problems"] = new JsonArray(t.Problems.Select(p => (JsonNode)JsonValue.Create(p)).ToArray());
        }

        provenance["pickleCheck"] = check;

        var result = new JsonObject { ["archiveName"] = t.ArchiveName };
        if (t.Legacy)
        {
            result["legacyFormat"] = true;
        }

        result["entryCount"] = t.Entries.Length;
        Put(result, "metadataEntry", t.MetadataEntry);
        result["parameterCount"] = t.ParameterCount;
        result["tensorCount"] = t.Tensors.Length;
        result["dtypes"] = Histogram(t.Tensors.Select(x => x.DType));
        result["topLevelKeys"] = new JsonArray(t.TopLevelKeys.Select(k => (JsonNode)JsonValue.Create(k)).ToArray());
        result["tensors"] = TensorList(t.Tensors.Select(x => (x.Name, x.DType, x.Shape)));
        if (t.Tensors.Length > MaxListed)
        {
            result["tensorsNotListed"] = t.Tensors.Length - MaxListed;
        }

        result["entries"] = new JsonArray(t.Entries.Take(MaxListed).Select(e => (JsonNode)JsonValue.Create(e.Name)).ToArray());
        return result;
    }

    /// <summary>Most tensors or zip entries listed in a fragment; the counts cover the rest.</summary>
    private const int MaxListed = 200;

    /// <summary>The refused globals of a PyTorch checkpoint, as JSON (module.name, dangerous, entry, offset).</summary>
    public static JsonArray UnsafeGlobals(TorchCheckpointInfo t) => new(t.UnsafeGlobals.Select(g => (JsonNode)new JsonObject
    {
        ["global"] = g.FullName,
        ["dangerous"] = g.Dangerous,
        ["entry"] = g.Entry,
        ["offset"] = g.Offset,
    }).ToArray());

    /// <summary>One line for a refused global: <c>os.system (dangerous) in archive/data.pkl at pickle offset 42</c>.</summary>
    public static string Describe(TorchUnsafeGlobal g) =>
        $"{g.FullName}{(g.Dangerous ? " (dangerous)" : "")} in {g.Entry} at pickle offset {g.Offset}: torch.load(weights_only=True) refuses it";

    private static JsonObject Histogram(IEnumerable<string> dtypes)
    {
        var histogram = new JsonObject();
        foreach (var group in dtypes.GroupBy(d => d).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            histogram[group.Key] = group.Count();
        }

        return histogram;
    }

    private static JsonObject StringMap(IEnumerable<KeyValuePair<string, string>> map)
    {
        var o = new JsonObject();
        foreach (var (k, v) in map)
        {
            o[k] = v;
        }

        return o;
    }

    private static void Put(JsonObject o, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            o[name] = value;
        }
    }
}
