using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;
using ModelManifest.Generator.Helpers;
using ModelManifest.Generator.Model;
using ModelManifest.Reading;

namespace ModelManifest.Generator;

/// <summary>Input → spec: one manifest file read with the shared reader and turned into equatable data.</summary>
internal static class Parser
{
    private static readonly HashSet<string> s_specialModelProperties = new(StringComparer.Ordinal) { "assets", "options", "metadata" };

    /// <summary>Member names of a generated version class that schema properties may not take.</summary>
    internal static readonly HashSet<string> s_versionReserved = new(StringComparer.Ordinal)
    {
        "Info", "Assets", "Options", "Metadata", "SchemaVersion", "Latest", "Versions", "AssetCatalog", "OptionCatalog",
    };

    public static ManifestFileSpec Parse(AdditionalText file, SchemaInput schemas, CancellationToken cancellationToken)
    {
        string path = file.Path;
        SourceText? text;
        try
        {
            text = file.GetText(cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return Failed(path, Info(DiagnosticDescriptors.UnreadableManifest, Format(ManifestDiagnosticDescriptors.UnreadableManifest, e.Message), path, default, default));
        }

        if (text is null)
        {
            return Failed(path, Info(DiagnosticDescriptors.UnreadableManifest, Format(ManifestDiagnosticDescriptors.UnreadableManifest, "the compiler could not read the file"), path, default, default));
        }

        string content = text.ToString();
        if (NotUtf8(text, content, path) is DiagnosticInfo encoding)
        {
            return Failed(path, encoding);
        }

        ManifestSchema schema = Schemas.Manifest(schemas);
        ManifestSchema? metadataSchema = Schemas.Metadata(schemas);
        ManifestSyntaxResult result = ManifestSyntaxReader.Read(content, path, schema, resolveReferences: false);
        var findings = new List<ManifestDiagnostic>(result.Diagnostics);
        if (metadataSchema is not null && result.Root is not null && result.SchemaVersion is not null)
        {
            foreach (JsonSyntaxNode model in Items(result.Root["models"]))
            {
                if (model is JsonObjectSyntax m && m["metadata"] is JsonSyntaxNode metadata)
                {
                    StructuralValidator.Validate(metadata, metadataSchema.Root, path, result.Lines, findings);
                }
            }
        }

        var diagnostics = new List<DiagnosticInfo>(findings.Count);
        var errors = new List<SourceSpan>();
        foreach (ManifestDiagnostic finding in findings)
        {
            diagnostics.Add(Convert(finding, path, text));
            if (finding.Severity == ManifestSeverity.Error)
            {
                errors.Add(finding.Span);
            }
        }

        bool hasErrors = errors.Count > 0 || result.Root is null || result.SchemaVersion is null;
        var assets = new List<AssetDefinitionSpec>();
        var references = new List<AssetReferenceSpec>();
        var models = new List<ModelVersionSpec>();
        string? embedded = null;
        if (result.Root is JsonObjectSyntax root && result.SchemaVersion is string version)
        {
            ManifestPart? part = hasErrors ? Salvage(root, content, errors, path, schema) : ManifestPart.Whole(root, content);
            if (part is null)
            {
                // Nothing to generate; the references are still checked across files, for the author's sake.
                CollectAssetsAndReferences(Items(root["assets"]), Items(root["models"]), path, text, assets, references);
            }
            else
            {
                embedded = part.Text;
                CollectAssetsAndReferences(part.Assets, part.Models, path, text, assets, references);
                SchemaNode? modelSchema = schema.Root.GetProperty("models")?.Resolved.Items
                    ?? (schema.Definitions.TryGetValue("model", out SchemaNode? definition) ? definition : null);
                foreach (JsonSyntaxNode model in part.Models)
                {
                    cancellationToken.ThrowIfCancellationRequested();

                    // The embedded schema guarantees these shapes; a replacement schema might not, so check anyway.
                    if (model is JsonObjectSyntax m && m["id"] is JsonStringSyntax && m["version"] is JsonStringSyntax)
                    {
                        models.Add(BuildModel(m, version, modelSchema, metadataSchema, path, text, diagnostics));
                    }
                }
            }
        }

        return new ManifestFileSpec(
            path,
            result.SchemaVersion,
            hasErrors,
            embedded,
            diagnostics.ToImmutableEquatableArray(),
            models.ToImmutableEquatableArray(),
            assets.ToImmutableEquatableArray(),
            references.ToImmutableEquatableArray());
    }

    /// <summary>The models and assets of a manifest that go into the catalog, and the text embedded for them.</summary>
    private sealed class ManifestPart
    {
        private ManifestPart(string text, IReadOnlyList<JsonSyntaxNode> models, IReadOnlyList<JsonSyntaxNode> assets)
        {
            Text = text;
            Models = models;
            Assets = assets;
        }

        public string Text { get; }

        public IReadOnlyList<JsonSyntaxNode> Models { get; }

        public IReadOnlyList<JsonSyntaxNode> Assets { get; }

        public static ManifestPart Whole(JsonObjectSyntax root, string content)
            => new(content, new List<JsonSyntaxNode>(Items(root["models"])), new List<JsonSyntaxNode>(Items(root["assets"])));

        public static ManifestPart Of(string text, List<JsonSyntaxNode> models, List<JsonSyntaxNode> assets) => new(text, models, assets);
    }

    /// <summary>
    /// The valid part of a manifest with errors, so one mistake does not take every other model out of the catalog:
    /// the models and assets with no error inside them (and no reference to a broken asset of the same file), as a
    /// manifest of their own text. That text is read again and used only when it reads without errors, exactly as
    /// the runtime will read it; otherwise nothing of the file is generated. <see langword="null"/> when nothing is left.
    /// </summary>
    private static ManifestPart? Salvage(JsonObjectSyntax root, string content, List<SourceSpan> errors, string path, ManifestSchema schema)
    {
        if (Touches(errors, root["schemaVersion"]!.Span))
        {
            return null;
        }

        var assets = new List<JsonSyntaxNode>();
        var brokenAssets = new HashSet<string>(StringComparer.Ordinal);
        foreach (JsonSyntaxNode asset in Items(root["assets"]))
        {
            if (!Touches(errors, asset.Span))
            {
                assets.Add(asset);
            }
            else if (asset is JsonObjectSyntax a && a.GetString("id") is string id)
            {
                brokenAssets.Add(SemanticValidator.FormatKey(id, a.GetString("tag")));
            }
        }

        var models = new List<JsonSyntaxNode>();
        foreach (JsonSyntaxNode model in Items(root["models"]))
        {
            bool usesBrokenAsset = false;
            foreach (JsonSyntaxNode reference in Items((model as JsonObjectSyntax)?["assets"]))
            {
                usesBrokenAsset |= reference is JsonObjectSyntax r && r.GetString("id") is string id && brokenAssets.Contains(SemanticValidator.FormatKey(id, r.GetString("tag")));
            }

            if (!usesBrokenAsset && !Touches(errors, model.Span))
            {
                models.Add(model);
            }
        }

        if (models.Count == 0 && assets.Count == 0)
        {
            return null;
        }

        var builder = new StringBuilder();
        builder.Append("{\n  \"schemaVersion\": ").Append(Slice(content, root["schemaVersion"]!.Span));
        AppendArray(builder, "models", models, content);
        AppendArray(builder, "assets", assets, content);
        if (root["metadata"] is JsonSyntaxNode metadata && !Touches(errors, metadata.Span))
        {
            builder.Append(",\n  \"metadata\": ").Append(Slice(content, metadata.Span));
        }

        string text = builder.Append("\n}\n").ToString();
        return ManifestSyntaxReader.Read(text, path, schema, resolveReferences: false).HasErrors ? null : ManifestPart.Of(text, models, assets);
    }

    private static void AppendArray(StringBuilder builder, string name, List<JsonSyntaxNode> items, string content)
    {
        builder.Append(",\n  \"").Append(name).Append("\": [");
        for (int i = 0; i < items.Count; i++)
        {
            builder.Append(i == 0 ? "\n    " : ",\n    ").Append(Slice(content, items[i].Span));
        }

        builder.Append("\n  ]");
    }

    private static string Slice(string content, SourceSpan span) => content.Substring(span.Start, span.Length);

    /// <summary>Whether an error starts or ends inside <paramref name="span"/> (or covers it).</summary>
    private static bool Touches(List<SourceSpan> errors, SourceSpan span)
    {
        foreach (SourceSpan error in errors)
        {
            if (error.Start < span.End && Math.Max(error.End, error.Start + 1) > span.Start)
            {
                return true;
            }
        }

        return false;
    }

    private static ModelVersionSpec BuildModel(JsonObjectSyntax model, string schemaVersion, SchemaNode? modelSchema, ManifestSchema? metadataSchema, string path, SourceText text, List<DiagnosticInfo> diagnostics)
    {
        var id = (JsonStringSyntax)model["id"]!;
        var version = (JsonStringSyntax)model["version"]!;
        List<MemberSpec> members = modelSchema is null ? new List<MemberSpec>() : SchemaWalker.Members(modelSchema, model, schemaVersion, s_specialModelProperties, s_versionReserved);

        // Assets: named by role, else by id. Two references with one name: the first wins, the second is reported.
        var assetMembers = new List<AssetMemberSpec>();
        Dictionary<string, string> assetNames = NameScope("AssetCatalog");

        foreach (JsonSyntaxNode item in Items(model["assets"]))
        {
            if (item is not JsonObjectSyntax reference || reference.GetString("id") is not string assetId)
            {
                continue;
            }

            string? tag = reference.GetString("tag");
            string? role = reference.GetString("role");
            string label = role is null ? "asset '" + SemanticValidator.FormatKey(assetId, tag) + "'" : "role '" + role + "'";
            string name = CSharpIdentifiers.ToIdentifier(role ?? assetId);
            if (assetNames.TryGetValue(name, out string? first))
            {
                diagnostics.Add(Collision(path, text, reference.Span, name, first, label, "model '" + id.Value + "' " + version.Value + " Assets"));
                continue;
            }

            assetNames[name] = label;
            assetMembers.Add(new AssetMemberSpec(name, assetId, tag, role));
        }

        var options = new List<OptionSpec>();
        Dictionary<string, string> optionNames = NameScope("OptionCatalog");

        foreach (JsonSyntaxNode item in Items(model["options"]))
        {
            if (item is not JsonObjectSyntax option || option.GetString("name") is not string jsonName)
            {
                continue;
            }

            string name = CSharpIdentifiers.ToIdentifier(jsonName);
            string typeName = name.TrimStart('@') + "Option";
            string label = "option '" + jsonName + "'";
            string? clash = optionNames.TryGetValue(name, out string? a) ? a : optionNames.TryGetValue(typeName, out string? b) ? b : null;
            if (clash is not null)
            {
                diagnostics.Add(Collision(path, text, option.Span, name, clash, label, "model '" + id.Value + "' " + version.Value + " Options"));
                continue;
            }

            optionNames[name] = label;
            optionNames[typeName] = label;
            options.Add(BuildOption(option, name, typeName, jsonName));
        }

        ImmutableEquatableArray<MemberSpec>? metadata = metadataSchema is null
            ? null
            : SchemaWalker.Members(metadataSchema.Root, model["metadata"] as JsonObjectSyntax, null, new HashSet<string>(), new HashSet<string> { "ModelMetadata" }).ToImmutableEquatableArray();

        return new ModelVersionSpec(
            id.Value,
            version.Value,
            schemaVersion,
            CSharpIdentifiers.ToIdentifier(id.Value),
            "V" + CSharpIdentifiers.VersionSuffix(version.Value),
            model.GetString("description"),
            members.ToImmutableEquatableArray(),
            assetMembers.ToImmutableEquatableArray(),
            options.ToImmutableEquatableArray(),
            metadata,
            Locate(id.Value, path, text, id.Span),
            Locate(version.Value, path, text, version.Span));
    }

    /// <summary>Names already taken in a generated class (the class itself, object members), with who took them.</summary>
    internal static Dictionary<string, string> NameScope(string typeName)
    {
        var names = new Dictionary<string, string>(StringComparer.Ordinal) { [typeName] = "(the generated type)" };
        foreach (string reserved in SchemaWalker.ObjectMembers)
        {
            names[reserved] = "(a member of every object)";
        }

        return names;
    }

    private static OptionSpec BuildOption(JsonObjectSyntax option, string name, string typeName, string jsonName)
    {
        string type = option.GetString("type") ?? "string";
        JsonSyntaxNode? defaultValue = option["default"];
        JsonSyntaxNode? minimum = option["minimum"];
        JsonSyntaxNode? maximum = option["maximum"];
        var allowed = option["allowedValues"] as JsonArraySyntax;
        string valueType;
        Func<JsonSyntaxNode, string?> literal;
        string? min = null;
        string? max = null;
        switch (type)
        {
            case "integer":
                double? lo = minimum is JsonNumberSyntax ln && ln.TryGetDouble(out double lv) ? Math.Ceiling(lv) : null;
                double? hi = maximum is JsonNumberSyntax hn && hn.TryGetDouble(out double hv) ? Math.Floor(hv) : null;
                bool fitsInt = (lo is double l && hi is double h && l >= int.MinValue && h <= int.MaxValue)
                    || (allowed is { Items.Count: > 0 } && AllFitInt(allowed));
                valueType = fitsInt ? "int" : "long";
                literal = v => v is JsonNumberSyntax n && n.TryGetInt64(out long x) ? (fitsInt ? CSharpLiterals.Int32Literal(x) : CSharpLiterals.Int64Literal(x)) : null;
                if (lo is double minValue && minValue >= long.MinValue && minValue <= long.MaxValue && (!fitsInt || (minValue >= int.MinValue && minValue <= int.MaxValue)))
                {
                    min = fitsInt ? CSharpLiterals.Int32Literal((long)minValue) : CSharpLiterals.Int64Literal((long)minValue);
                }

                if (hi is double maxValue && maxValue >= long.MinValue && maxValue <= long.MaxValue && (!fitsInt || (maxValue >= int.MinValue && maxValue <= int.MaxValue)))
                {
                    max = fitsInt ? CSharpLiterals.Int32Literal((long)maxValue) : CSharpLiterals.Int64Literal((long)maxValue);
                }

                break;
            case "number":
                valueType = "double";
                literal = SchemaWalker.NumberLiteral;
                min = minimum is null ? null : SchemaWalker.NumberLiteral(minimum);
                max = maximum is null ? null : SchemaWalker.NumberLiteral(maximum);
                break;
            case "boolean":
                valueType = "bool";
                literal = v => v.Kind == JsonSyntaxKind.Boolean ? CSharpLiterals.BoolLiteral(((JsonLiteralSyntax)v).BooleanValue) : null;
                break;
            default:
                valueType = "string";
                literal = v => v is JsonStringSyntax s ? CSharpLiterals.StringLiteral(s.Value) : null;
                break;
        }

        var allowedLiterals = new List<string>();
        if (allowed is not null)
        {
            foreach (JsonSyntaxNode v in allowed.Items)
            {
                if (literal(v) is string l)
                {
                    allowedLiterals.Add(l);
                }
            }
        }

        return new OptionSpec(
            name,
            typeName,
            jsonName,
            type,
            valueType,
            defaultValue is null ? null : literal(defaultValue),
            min,
            max,
            allowedLiterals.ToImmutableEquatableArray(),
            option.GetString("description"));
    }

    private static bool AllFitInt(JsonArraySyntax values)
    {
        foreach (JsonSyntaxNode v in values.Items)
        {
            if (v is not JsonNumberSyntax n || !n.TryGetInt64(out long x) || x < int.MinValue || x > int.MaxValue)
            {
                return false;
            }
        }

        return true;
    }

    private static void CollectAssetsAndReferences(IEnumerable<JsonSyntaxNode> assetNodes, IEnumerable<JsonSyntaxNode> modelNodes, string path, SourceText text, List<AssetDefinitionSpec> assets, List<AssetReferenceSpec> references)
    {
        foreach (JsonSyntaxNode item in assetNodes)
        {
            if (item is JsonObjectSyntax asset && asset["id"] is JsonStringSyntax id)
            {
                string key = SemanticValidator.FormatKey(id.Value, asset.GetString("tag"));
                assets.Add(new AssetDefinitionSpec(key, asset.GetString("sha256") ?? string.Empty, Locate(key, path, text, id.Span)));
            }
        }

        foreach (JsonSyntaxNode item in modelNodes)
        {
            if (item is not JsonObjectSyntax model)
            {
                continue;
            }

            string modelId = model.GetString("id") ?? "?";
            foreach (JsonSyntaxNode r in Items(model["assets"]))
            {
                if (r is JsonObjectSyntax reference && reference["id"] is JsonStringSyntax id)
                {
                    references.Add(new AssetReferenceSpec(modelId, id.Value, reference.GetString("tag"), Locate(id.Value, path, text, reference.Span)));
                }
            }
        }
    }

    /// <summary>
    /// The compiler decodes an additional file as UTF-8 when its bytes are valid UTF-8 and otherwise falls back to a
    /// code page (SourceText.Encoding then says which). A U+FFFD in UTF-8 text is not reported: it may be meant.
    /// </summary>
    private static DiagnosticInfo? NotUtf8(SourceText text, string content, string path)
    {
        Encoding? encoding = text.Encoding;
        if (encoding is null || encoding.CodePage == Encoding.UTF8.CodePage)
        {
            return null;
        }

        int at = 0;
        while (at < content.Length && content[at] < 0x80)
        {
            at++;
        }

        var span = new TextSpan(at, at < content.Length ? 1 : 0);
        return new DiagnosticInfo(
            DiagnosticDescriptors.NotUtf8.Id,
            "The manifest is not UTF-8 (the compiler decoded it as " + encoding.WebName + "); save it as UTF-8",
            DiagnosticSeverity.Error,
            path,
            span,
            text.Lines.GetLinePositionSpan(span));
    }

    public static DiagnosticInfo Convert(ManifestDiagnostic finding, string path, SourceText text)
    {
        int length = text.Length;
        int start = Math.Max(0, Math.Min(finding.Span.Start, length));
        int end = Math.Max(start, Math.Min(finding.Span.End, length));
        var span = TextSpan.FromBounds(start, end);
        DiagnosticSeverity severity = finding.Severity switch
        {
            ManifestSeverity.Error => DiagnosticSeverity.Error,
            ManifestSeverity.Warning => DiagnosticSeverity.Warning,
            _ => DiagnosticSeverity.Info,
        };
        return new DiagnosticInfo(finding.Id, finding.Message, severity, path, span, text.Lines.GetLinePositionSpan(span));
    }

    public static LocatedText Locate(string value, string path, SourceText text, SourceSpan span)
    {
        int start = Math.Max(0, Math.Min(span.Start, text.Length));
        int end = Math.Max(start, Math.Min(span.End, text.Length));
        LinePositionSpan lines = text.Lines.GetLinePositionSpan(TextSpan.FromBounds(start, end));
        return new LocatedText(value, path, start, end - start, lines.Start.Line, lines.Start.Character, lines.End.Line, lines.End.Character);
    }

    public static DiagnosticInfo At(DiagnosticDescriptor rule, string message, LocatedText at)
        => new(rule.Id, message, rule.DefaultSeverity, at.Path, new TextSpan(at.Start, at.Length),
            new LinePositionSpan(new LinePosition(at.StartLine, at.StartColumn), new LinePosition(at.EndLine, at.EndColumn)));

    private static DiagnosticInfo Collision(string path, SourceText text, SourceSpan span, string name, string first, string second, string where)
    {
        LocatedText at = Locate(name, path, text, span);
        return At(DiagnosticDescriptors.IdentifierCollision, CollisionMessage(name, first, second, where), at);
    }

    public static string CollisionMessage(string name, string first, string second, string where)
        => "In " + where + ", " + second + " and " + first + " both map to the C# name '" + name + "'; only the first is generated (rename one, or give the reference a distinct \"role\")";

    private static DiagnosticInfo Info(DiagnosticDescriptor rule, string message, string path, TextSpan span, LinePositionSpan lineSpan)
        => new(rule.Id, message, rule.DefaultSeverity, path, span, lineSpan);

    private static string Format(ManifestDiagnosticDescriptor rule, params object[] args)
        => string.Format(CultureInfo.InvariantCulture, rule.MessageFormat, args);

    private static ManifestFileSpec Failed(string path, DiagnosticInfo diagnostic)
        => new(path, null, true, null, new[] { diagnostic }.ToImmutableEquatableArray(),
            ImmutableEquatableArray<ModelVersionSpec>.Empty, ImmutableEquatableArray<AssetDefinitionSpec>.Empty, ImmutableEquatableArray<AssetReferenceSpec>.Empty);

    private static IEnumerable<JsonSyntaxNode> Items(JsonSyntaxNode? array)
        => array is JsonArraySyntax a ? a.Items : Array.Empty<JsonSyntaxNode>();
}
