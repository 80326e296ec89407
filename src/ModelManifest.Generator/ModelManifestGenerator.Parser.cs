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
    internal static readonly HashSet<string> VersionReserved = new(StringComparer.Ordinal)
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
            int index = 0;
            foreach (JsonSyntaxNode model in Items(result.Root["models"]))
            {
                if (model is JsonObjectSyntax m && m["metadata"] is JsonSyntaxNode metadata)
                {
                    StructuralValidator.Validate(metadata, metadataSchema.Root, path, result.Lines, findings);
                }

                index++;
            }
        }

        var diagnostics = new List<DiagnosticInfo>(findings.Count);
        bool hasErrors = result.Root is null || result.SchemaVersion is null;
        foreach (ManifestDiagnostic finding in findings)
        {
            diagnostics.Add(Convert(finding, path, text));
            hasErrors |= finding.Severity == ManifestSeverity.Error;
        }

        var assets = new List<AssetDefinitionSpec>();
        var references = new List<AssetReferenceSpec>();
        var models = new List<ModelVersionSpec>();
        if (result.Root is JsonObjectSyntax root && result.SchemaVersion is string version)
        {
            CollectAssetsAndReferences(root, path, text, assets, references);
            if (!hasErrors)
            {
                SchemaNode? modelSchema = schema.Root.GetProperty("models")?.Resolved.Items
                    ?? (schema.Definitions.TryGetValue("model", out SchemaNode? definition) ? definition : null);
                foreach (JsonSyntaxNode model in Items(root["models"]))
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    models.Add(BuildModel((JsonObjectSyntax)model, version, modelSchema, metadataSchema, path, text, diagnostics));
                }
            }
        }

        return new ManifestFileSpec(
            path,
            result.SchemaVersion,
            hasErrors,
            hasErrors ? null : content,
            diagnostics.ToImmutableEquatableArray(),
            models.ToImmutableEquatableArray(),
            assets.ToImmutableEquatableArray(),
            references.ToImmutableEquatableArray());
    }

    private static ModelVersionSpec BuildModel(JsonObjectSyntax model, string schemaVersion, SchemaNode? modelSchema, ManifestSchema? metadataSchema, string path, SourceText text, List<DiagnosticInfo> diagnostics)
    {
        var id = (JsonStringSyntax)model["id"]!;
        var version = (JsonStringSyntax)model["version"]!;
        List<MemberSpec> members = modelSchema is null ? new List<MemberSpec>() : SchemaWalker.Members(modelSchema, model, schemaVersion, s_specialModelProperties, VersionReserved);

        // Assets: named by role, else by id. Two references with one name: the first wins, the second is reported.
        var assetMembers = new List<AssetMemberSpec>();
        Dictionary<string, string> assetNames = NameScope("AssetCatalog");

        foreach (JsonSyntaxNode item in Items(model["assets"]))
        {
            var reference = (JsonObjectSyntax)item;
            string assetId = reference.GetString("id")!;
            string? tag = reference.GetString("tag");
            string? role = reference.GetString("role");
            string label = role is null ? "asset '" + SemanticValidator.FormatKey(assetId, tag) + "'" : "role '" + role + "'";
            string name = CSharp.ToIdentifier(role ?? assetId);
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
            var option = (JsonObjectSyntax)item;
            string jsonName = option.GetString("name")!;
            string name = CSharp.ToIdentifier(jsonName);
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
            CSharp.ToIdentifier(id.Value),
            "V" + CSharp.VersionSuffix(version.Value),
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
        string type = option.GetString("type")!;
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
                literal = v => v is JsonNumberSyntax n && n.TryGetInt64(out long x) ? (fitsInt ? CSharp.Int32Literal(x) : CSharp.Int64Literal(x)) : null;
                if (lo is double minValue && minValue >= long.MinValue && minValue <= long.MaxValue && (!fitsInt || (minValue >= int.MinValue && minValue <= int.MaxValue)))
                {
                    min = fitsInt ? CSharp.Int32Literal((long)minValue) : CSharp.Int64Literal((long)minValue);
                }

                if (hi is double maxValue && maxValue >= long.MinValue && maxValue <= long.MaxValue && (!fitsInt || (maxValue >= int.MinValue && maxValue <= int.MaxValue)))
                {
                    max = fitsInt ? CSharp.Int32Literal((long)maxValue) : CSharp.Int64Literal((long)maxValue);
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
                literal = v => v.Kind == JsonSyntaxKind.Boolean ? CSharp.BoolLiteral(((JsonLiteralSyntax)v).BooleanValue) : null;
                break;
            default:
                valueType = "string";
                literal = v => v is JsonStringSyntax s ? CSharp.StringLiteral(s.Value) : null;
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

    private static void CollectAssetsAndReferences(JsonObjectSyntax root, string path, SourceText text, List<AssetDefinitionSpec> assets, List<AssetReferenceSpec> references)
    {
        foreach (JsonSyntaxNode item in Items(root["assets"]))
        {
            if (item is JsonObjectSyntax asset && asset["id"] is JsonStringSyntax id)
            {
                string key = SemanticValidator.FormatKey(id.Value, asset.GetString("tag"));
                assets.Add(new AssetDefinitionSpec(key, asset.GetString("sha256") ?? string.Empty, Locate(key, path, text, id.Span)));
            }
        }

        foreach (JsonSyntaxNode item in Items(root["models"]))
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
