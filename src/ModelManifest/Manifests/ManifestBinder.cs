namespace ModelManifest;

/// <summary>
/// Binds a manifest that passed validation to the contract records, walking a <see cref="JsonDocument"/>.
/// </summary>
/// <remarks>
/// Why not <c>JsonSerializer</c> with <see cref="ManifestJsonContext"/>: its metadata is System.Text.Json's generic
/// code instantiated over the contract's value types (<c>ImmutableArray&lt;T&gt;</c>, <c>long?</c>, enums, <see
/// cref="AssetKey"/>), which ReadyToRun cannot precompile, so every process that reads a manifest JIT-compiled about
/// 700 methods first (about 100 ms of every <c>fetch</c>, <c>validate</c>, build and app start-up). This binder only
/// calls non-generic <see cref="JsonElement"/> members. It binds the same way the serializer did, which
/// <c>ManifestBinderTests</c> checks against it: exact (camelCase) names, unknown properties kept in
/// <c>AdditionalProperties</c> in document order, JSON <c>null</c> as absent, open values (<c>metadata</c>, option
/// defaults, shapes) as standalone <see cref="JsonElement"/> clones. Writing still goes through the serializer
/// (<see cref="ManifestWriter"/>).
/// Input that validation lets through but that does not fit (it should not exist) throws <see cref="JsonException"/>,
/// which the reader reports as a located diagnostic, as before.
/// </remarks>
internal static class ManifestBinder
{
    private static readonly JsonDocumentOptions s_options = new()
    {
        CommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        MaxDepth = 256,
    };

    public static ManifestDocument Bind(string text)
    {
        using var document = JsonDocument.Parse(text.AsMemory(), s_options);
        return Document(document.RootElement);
    }

    private static ManifestDocument Document(JsonElement e)
    {
        string? schema = null, schemaVersion = null;
        ImmutableArray<ModelInfo> models = default;
        ImmutableArray<AssetInfo> assets = default;
        JsonElement? metadata = null;
        Dictionary<string, JsonElement>? extra = null;
        foreach (var p in Properties(e))
        {
            switch (p.Name)
            {
                case "$schema": schema = String(p); break;
                case "schemaVersion": schemaVersion = String(p); break;
                case "models": models = Array(p, Model); break;
                case "assets": assets = Array(p, Asset); break;
                case "metadata": metadata = Element(p); break;
                default: Keep(ref extra, p); break;
            }
        }

        return new ManifestDocument
        {
            Schema = schema,
            SchemaVersion = Required(schemaVersion, "schemaVersion"),
            Models = models,
            Assets = assets,
            Metadata = metadata,
            AdditionalProperties = extra,
        };
    }

    private static ModelInfo Model(JsonElement e)
    {
        string? id = null, version = null, displayName = null, description = null, author = null;
        ImmutableArray<string> tags = default;
        ModelStage stage = default;
        ImmutableArray<AssetReference> assets = default;
        ModelRequirements? requirements = null;
        ModelCompatibility? compatibility = null;
        ImmutableArray<ModelOption> options = default;
        ModelInputs? inputs = null;
        ModelOutputs? outputs = null;
        ModelProvenance? provenance = null;
        JsonElement? metadata = null;
        Dictionary<string, JsonElement>? extra = null;
        foreach (var p in Properties(e))
        {
            switch (p.Name)
            {
                case "id": id = String(p); break;
                case "version": version = String(p); break;
                case "displayName": displayName = String(p); break;
                case "description": description = String(p); break;
                case "author": author = String(p); break;
                case "tags": tags = Array(p, StringItem); break;
                case "stage": stage = IsNull(p) ? default : Stage(p); break;
                case "assets": assets = Array(p, Reference); break;
                case "requirements": requirements = Object(p, Requirements); break;
                case "compatibility": compatibility = Object(p, Compatibility); break;
                case "options": options = Array(p, Option); break;
                case "inputs": inputs = Object(p, Inputs); break;
                case "outputs": outputs = Object(p, Outputs); break;
                case "provenance": provenance = Object(p, Provenance); break;
                case "metadata": metadata = Element(p); break;
                default: Keep(ref extra, p); break;
            }
        }

        return new ModelInfo
        {
            Id = Required(id, "id"),
            Version = Required(version, "version"),
            DisplayName = displayName,
            Description = description,
            Author = author,
            Tags = tags,
            Stage = stage,
            Assets = assets,
            Requirements = requirements,
            Compatibility = compatibility,
            Options = options,
            Inputs = inputs,
            Outputs = outputs,
            Provenance = provenance,
            Metadata = metadata,
            AdditionalProperties = extra,
        };
    }

    private static AssetInfo Asset(JsonElement e)
    {
        string? id = null, tag = null, fileName = null, sha256 = null, license = null, description = null;
        long? size = null;
        AssetFormat format = default;
        ImmutableArray<string> urls = default;
        Dictionary<string, JsonElement>? extra = null;
        foreach (var p in Properties(e))
        {
            switch (p.Name)
            {
                case "id": id = String(p); break;
                case "tag": tag = String(p); break;
                case "fileName": fileName = String(p); break;
                case "size": size = Int64(p) ?? throw Invalid(p, "a number"); break;
                case "sha256": sha256 = String(p); break;
                case "format": format = IsNull(p) ? default : Format(p); break;
                case "urls": urls = Array(p, StringItem); break;
                case "license": license = String(p); break;
                case "description": description = String(p); break;
                default: Keep(ref extra, p); break;
            }
        }

        return new AssetInfo
        {
            Id = Required(id, "id"),
            Tag = tag,
            FileName = Required(fileName, "fileName"),
            Size = size ?? throw Missing("size"),
            Sha256 = Required(sha256, "sha256"),
            Format = format,
            Urls = urls,
            License = license,
            Description = description,
            AdditionalProperties = extra,
        };
    }

    private static AssetReference Reference(JsonElement e)
    {
        string? id = null, tag = null, role = null;
        Dictionary<string, JsonElement>? extra = null;
        foreach (var p in Properties(e))
        {
            switch (p.Name)
            {
                case "id": id = String(p); break;
                case "tag": tag = String(p); break;
                case "role": role = String(p); break;
                default: Keep(ref extra, p); break;
            }
        }

        return new AssetReference { Id = Required(id, "id"), Tag = tag, Role = role, AdditionalProperties = extra };
    }

    private static ModelRequirements Requirements(JsonElement e)
    {
        ImmutableArray<PackageRequirement> packages = default, runtimes = default;
        Dictionary<string, JsonElement>? extra = null;
        foreach (var p in Properties(e))
        {
            switch (p.Name)
            {
                case "packages": packages = Array(p, Package); break;
                case "runtimes": runtimes = Array(p, Package); break;
                default: Keep(ref extra, p); break;
            }
        }

        return new ModelRequirements { Packages = packages, Runtimes = runtimes, AdditionalProperties = extra };
    }

    private static PackageRequirement Package(JsonElement e)
    {
        string? name = null, version = null, ecosystem = null;
        Dictionary<string, JsonElement>? extra = null;
        foreach (var p in Properties(e))
        {
            switch (p.Name)
            {
                case "name": name = String(p); break;
                case "version": version = String(p); break;
                case "ecosystem": ecosystem = String(p); break;
                default: Keep(ref extra, p); break;
            }
        }

        return new PackageRequirement { Name = Required(name, "name"), Version = version, Ecosystem = ecosystem, AdditionalProperties = extra };
    }

    private static ModelCompatibility Compatibility(JsonElement e)
    {
        ImmutableArray<string> platforms = default;
        ImmutableDictionary<string, CompatibilityStatus>? accelerators = null;
        long? minGpu = null, minHost = null;
        Dictionary<string, JsonElement>? extra = null;
        foreach (var p in Properties(e))
        {
            switch (p.Name)
            {
                case "platforms": platforms = Array(p, StringItem); break;
                case "accelerators": accelerators = Map(p, Status); break;
                case "minGpuMemoryMiB": minGpu = Int64(p); break;
                case "minHostMemoryMiB": minHost = Int64(p); break;
                default: Keep(ref extra, p); break;
            }
        }

        return new ModelCompatibility
        {
            Platforms = platforms,
            Accelerators = accelerators!,
            MinGpuMemoryMiB = minGpu,
            MinHostMemoryMiB = minHost,
            AdditionalProperties = extra,
        };
    }

    private static ModelOption Option(JsonElement e)
    {
        string? name = null, type = null, description = null;
        JsonElement? defaultValue = null;
        double? minimum = null, maximum = null;
        ImmutableArray<JsonElement> allowed = default;
        Dictionary<string, JsonElement>? extra = null;
        foreach (var p in Properties(e))
        {
            switch (p.Name)
            {
                case "name": name = String(p); break;
                case "type": type = String(p); break;
                case "description": description = String(p); break;
                case "default": defaultValue = Element(p); break;
                case "minimum": minimum = Double(p); break;
                case "maximum": maximum = Double(p); break;
                case "allowedValues": allowed = Array(p, static v => v.Clone()); break;
                default: Keep(ref extra, p); break;
            }
        }

        return new ModelOption
        {
            Name = Required(name, "name"),
            Type = Required(type, "type"),
            Description = description,
            Default = defaultValue,
            Minimum = minimum,
            Maximum = maximum,
            AllowedValues = allowed,
            AdditionalProperties = extra,
        };
    }

    private static ModelInputs Inputs(JsonElement e)
    {
        ImmutableArray<ModelVariable> variables = default;
        ModelGrid? grid = null;
        string? timeStep = null;
        long? timeSteps = null;
        Dictionary<string, JsonElement>? extra = null;
        foreach (var p in Properties(e))
        {
            switch (p.Name)
            {
                case "variables": variables = Array(p, Variable); break;
                case "grid": grid = Object(p, Grid); break;
                case "timeStep": timeStep = String(p); break;
                case "timeSteps": timeSteps = Int64(p); break;
                default: Keep(ref extra, p); break;
            }
        }

        return new ModelInputs { Variables = variables, Grid = grid, TimeStep = timeStep, TimeSteps = timeSteps, AdditionalProperties = extra };
    }

    private static ModelOutputs Outputs(JsonElement e)
    {
        ImmutableArray<ModelVariable> variables = default;
        ModelGrid? grid = null;
        string? timeStep = null;
        ImmutableArray<string> leadTimes = default;
        Dictionary<string, JsonElement>? extra = null;
        foreach (var p in Properties(e))
        {
            switch (p.Name)
            {
                case "variables": variables = Array(p, Variable); break;
                case "grid": grid = Object(p, Grid); break;
                case "timeStep": timeStep = String(p); break;
                case "leadTimes": leadTimes = Array(p, StringItem); break;
                default: Keep(ref extra, p); break;
            }
        }

        return new ModelOutputs { Variables = variables, Grid = grid, TimeStep = timeStep, LeadTimes = leadTimes, AdditionalProperties = extra };
    }

    private static ModelVariable Variable(JsonElement e)
    {
        string? name = null, description = null, units = null, dataType = null;
        ImmutableArray<double> levels = default;
        ImmutableArray<JsonElement> shape = default;
        Dictionary<string, JsonElement>? extra = null;
        foreach (var p in Properties(e))
        {
            switch (p.Name)
            {
                case "name": name = String(p); break;
                case "description": description = String(p); break;
                case "units": units = String(p); break;
                case "levels": levels = Array(p, static v => v.ValueKind == JsonValueKind.Number ? v.GetDouble() : throw Invalid(v, "a number")); break;
                case "dataType": dataType = String(p); break;
                case "shape": shape = Array(p, static v => v.Clone()); break;
                default: Keep(ref extra, p); break;
            }
        }

        return new ModelVariable
        {
            Name = Required(name, "name"),
            Description = description,
            Units = units,
            Levels = levels,
            DataType = dataType,
            Shape = shape,
            AdditionalProperties = extra,
        };
    }

    private static ModelGrid Grid(JsonElement e)
    {
        string? name = null, resolution = null;
        long? points = null;
        Dictionary<string, JsonElement>? extra = null;
        foreach (var p in Properties(e))
        {
            switch (p.Name)
            {
                case "name": name = String(p); break;
                case "resolution": resolution = String(p); break;
                case "points": points = Int64(p); break;
                default: Keep(ref extra, p); break;
            }
        }

        return new ModelGrid { Name = Required(name, "name"), Resolution = resolution, Points = points, AdditionalProperties = extra };
    }

    private static ModelProvenance Provenance(JsonElement e)
    {
        string? framework = null, frameworkVersion = null, trainingRunId = null, createdAt = null, source = null, extractedBy = null;
        ImmutableDictionary<string, string>? moduleVersions = null;
        Dictionary<string, JsonElement>? extra = null;
        foreach (var p in Properties(e))
        {
            switch (p.Name)
            {
                case "framework": framework = String(p); break;
                case "frameworkVersion": frameworkVersion = String(p); break;
                case "moduleVersions": moduleVersions = Map(p, static entry => String(entry)!); break;
                case "trainingRunId": trainingRunId = String(p); break;
                case "createdAt": createdAt = String(p); break;
                case "source": source = String(p); break;
                case "extractedBy": extractedBy = String(p); break;
                default: Keep(ref extra, p); break;
            }
        }

        return new ModelProvenance
        {
            Framework = framework,
            FrameworkVersion = frameworkVersion,
            ModuleVersions = moduleVersions!,
            TrainingRunId = trainingRunId,
            CreatedAt = createdAt,
            Source = source,
            ExtractedBy = extractedBy,
            AdditionalProperties = extra,
        };
    }

    private static ModelStage Stage(JsonProperty p) => String(p) switch
    {
        "experimental" => ModelStage.Experimental,
        "preview" => ModelStage.Preview,
        "stable" => ModelStage.Stable,
        "deprecated" => ModelStage.Deprecated,
        "undefined" => ModelStage.Undefined,
        _ => throw Invalid(p, "a release stage"),
    };

    private static AssetFormat Format(JsonProperty p) => String(p) switch
    {
        "onnx" => AssetFormat.Onnx,
        "safetensors" => AssetFormat.Safetensors,
        "gguf" => AssetFormat.Gguf,
        "torch" => AssetFormat.Torch,
        "tokenizer" => AssetFormat.Tokenizer,
        "other" => AssetFormat.Other,
        _ => throw Invalid(p, "an asset format"),
    };

    private static CompatibilityStatus Status(JsonProperty p) => String(p) switch
    {
        "compatible" => CompatibilityStatus.Compatible,
        "incompatible" => CompatibilityStatus.Incompatible,
        "unknown" => CompatibilityStatus.Unknown,
        _ => throw Invalid(p, "a compatibility status"),
    };

    private static JsonElement.ObjectEnumerator Properties(JsonElement e) =>
        e.ValueKind == JsonValueKind.Object ? e.EnumerateObject() : throw Invalid(e, "an object");

    private static bool IsNull(JsonProperty p) => p.Value.ValueKind == JsonValueKind.Null;

    private static string? String(JsonProperty p) => p.Value.ValueKind switch
    {
        JsonValueKind.String => p.Value.GetString(),
        JsonValueKind.Null => null,
        _ => throw Invalid(p, "a string"),
    };

    private static string StringItem(JsonElement e) => e.ValueKind == JsonValueKind.String ? e.GetString()! : throw Invalid(e, "a string");

    private static long? Int64(JsonProperty p) => p.Value.ValueKind switch
    {
        JsonValueKind.Number when p.Value.TryGetInt64(out long value) => value,
        JsonValueKind.Null => null,
        _ => throw Invalid(p, "an integer"),
    };

    private static double? Double(JsonProperty p) => p.Value.ValueKind switch
    {
        JsonValueKind.Number => p.Value.GetDouble(),
        JsonValueKind.Null => null,
        _ => throw Invalid(p, "a number"),
    };

    /// <summary>An open value, detached from the document (which is disposed after binding); JSON null is absent.</summary>
    private static JsonElement? Element(JsonProperty p) => IsNull(p) ? null : p.Value.Clone();

    private static T? Object<T>(JsonProperty p, Func<JsonElement, T> bind)
        where T : class => IsNull(p) ? null : bind(p.Value);

    private static ImmutableArray<T> Array<T>(JsonProperty p, Func<JsonElement, T> bind)
    {
        if (IsNull(p))
        {
            return default;
        }

        if (p.Value.ValueKind != JsonValueKind.Array)
        {
            throw Invalid(p, "an array");
        }

        var builder = ImmutableArray.CreateBuilder<T>(p.Value.GetArrayLength());
        foreach (var item in p.Value.EnumerateArray())
        {
            builder.Add(bind(item));
        }

        return builder.MoveToImmutable();
    }

    /// <summary>An object of named values (accelerators, module versions); JSON null is absent.</summary>
    private static ImmutableDictionary<string, T>? Map<T>(JsonProperty p, Func<JsonProperty, T> value)
    {
        if (IsNull(p))
        {
            return null;
        }

        var builder = ImmutableDictionary.CreateBuilder<string, T>();
        foreach (var entry in Properties(p.Value))
        {
            builder[entry.Name] = value(entry);
        }

        return builder.ToImmutable();
    }

    /// <summary>An unknown property, kept (in document order) so that a newer manifest round-trips unchanged.</summary>
    private static void Keep(ref Dictionary<string, JsonElement>? extra, JsonProperty p) =>
        (extra ??= new Dictionary<string, JsonElement>(StringComparer.Ordinal))[p.Name] = p.Value.Clone();

    private static string Required(string? value, string name) => value ?? throw Missing(name);

    private static JsonException Missing(string name) => new($"The required property '{name}' is missing.");

    private static JsonException Invalid(JsonProperty p, string expected) => new($"The property '{p.Name}' is not {expected}.");

    private static JsonException Invalid(JsonElement e, string expected) => new($"A {e.ValueKind} value is not {expected}.");
}
