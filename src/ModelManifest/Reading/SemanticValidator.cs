using System;
using System.Collections.Generic;
using System.Globalization;

namespace ModelManifest.Reading;

/// <summary>
/// The semantic layer: rules JSON Schema cannot express — unique model id+version and asset id+tag,
/// resolvable asset references, safe file names, URL hints, option defaults that fit their type and bounds.
/// Works on the syntax tree so every finding is located; skips values of the wrong type (the structural
/// layer already reported them).
/// </summary>
internal static class SemanticValidator
{
    /// <summary>Checks one manifest's own rules (everything but cross-file reference resolution).</summary>
    public static void Validate(JsonObjectSyntax root, string? path, SourceLineMap lines, List<ManifestDiagnostic> diagnostics)
    {
        var models = new Dictionary<string, JsonSyntaxNode>(StringComparer.Ordinal);
        foreach (JsonObjectSyntax model in Objects(root["models"]))
        {
            if (model["id"] is JsonStringSyntax id && model["version"] is JsonStringSyntax version)
            {
                // Semver: build metadata does not make a different version.
                string key = id.Value + "\n" + StripBuildMetadata(version.Value);
                if (models.TryGetValue(key, out var first))
                {
                    Add(diagnostics, ManifestDiagnosticDescriptors.DuplicateModel, path, lines, id.Span, id.Value, version.Value, lines.GetPosition(first.Span.Start).Line + 1);
                }
                else
                {
                    models[key] = id;
                }
            }

            foreach (JsonObjectSyntax option in Objects(model["options"]))
            {
                ValidateOption(option, path, lines, diagnostics);
            }
        }

        var assets = new Dictionary<string, JsonSyntaxNode>(StringComparer.Ordinal);
        foreach (JsonObjectSyntax asset in Objects(root["assets"]))
        {
            if (asset["id"] is JsonStringSyntax id)
            {
                string? tag = asset.GetString("tag");
                string key = FormatKey(id.Value, tag);
                if (assets.TryGetValue(key, out var first))
                {
                    Add(diagnostics, ManifestDiagnosticDescriptors.DuplicateAsset, path, lines, id.Span, key, lines.GetPosition(first.Span.Start).Line + 1);
                }
                else
                {
                    assets[key] = id;
                }
            }

            if (asset["fileName"] is JsonStringSyntax fileName && SafeFileName.GetProblem(fileName.Value) is string problem)
            {
                Add(diagnostics, ManifestDiagnosticDescriptors.UnsafeFileName, path, lines, fileName.Span, Printable(fileName.Value), problem);
            }

            if (asset["urls"] is JsonArraySyntax urls)
            {
                foreach (var url in urls.Items)
                {
                    if (url is JsonStringSyntax u && !IsHttpUrl(u.Value))
                    {
                        Add(diagnostics, ManifestDiagnosticDescriptors.InvalidUrl, path, lines, u.Span, "urls", Printable(u.Value));
                    }
                }
            }
        }
    }

    /// <summary>
    /// Reports every asset reference in <paramref name="manifest"/> that matches no asset in <paramref name="knownAssets"/>
    /// (keys from <see cref="FormatKey"/>; pass the assets of every manifest validated together).
    /// </summary>
    public static void ValidateReferences(JsonObjectSyntax manifest, ICollection<string> knownAssets, string? path, SourceLineMap lines, List<ManifestDiagnostic> diagnostics)
    {
        foreach (JsonObjectSyntax model in Objects(manifest["models"]))
        {
            string modelId = model.GetString("id") ?? "?";
            foreach (JsonObjectSyntax reference in Objects(model["assets"]))
            {
                if (reference["id"] is not JsonStringSyntax id)
                {
                    continue;
                }

                if (ManifestSetRules.CheckReference(knownAssets, modelId, id.Value, reference.GetString("tag")) is string message)
                {
                    diagnostics.Add(new ManifestDiagnostic(ManifestDiagnosticDescriptors.UnresolvedAssetReference, message, path, reference.Span,
                        lines.GetPosition(reference.Span.Start), lines.GetPosition(reference.Span.End)));
                }
            }
        }
    }

    /// <summary>
    /// The hint for an unresolved reference (MM0202) when a near miss exists: an untagged asset for a tagged reference,
    /// or only tagged variants for an untagged one. Empty when there is none.
    /// </summary>
    public static string DescribeNearMiss(ICollection<string> knownAssets, string id, string? tag)
        => tag is not null && knownAssets.Contains(FormatKey(id, null)) ? " (an untagged '" + id + "' exists)"
         : tag is null && HasAnyTag(knownAssets, id) ? " (only tagged variants exist; add a \"tag\")"
         : string.Empty;

    /// <summary>Collects the asset keys a manifest defines.</summary>
    public static void CollectAssetKeys(JsonObjectSyntax manifest, ICollection<string> keys)
    {
        foreach (JsonObjectSyntax asset in Objects(manifest["assets"]))
        {
            if (asset.GetString("id") is string id)
            {
                keys.Add(FormatKey(id, asset.GetString("tag")));
            }
        }
    }

    /// <summary>The display form of an asset key: <c>id</c> or <c>id@tag</c>.</summary>
    public static string FormatKey(string id, string? tag) => tag is null ? id : id + "@" + tag;

    private static bool HasAnyTag(ICollection<string> keys, string id)
    {
        foreach (string k in keys)
        {
            if (k.StartsWith(id + "@", StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private static void ValidateOption(JsonObjectSyntax option, string? path, SourceLineMap lines, List<ManifestDiagnostic> diagnostics)
    {
        string name = option.GetString("name") ?? "?";
        string? type = option.GetString("type");
        double? min = (option["minimum"] as JsonNumberSyntax)?.TryGetDouble(out double mn) == true ? mn : null;
        double? max = (option["maximum"] as JsonNumberSyntax)?.TryGetDouble(out double mx) == true ? mx : null;
        if (min is double a && max is double b && a > b)
        {
            Add(diagnostics, ManifestDiagnosticDescriptors.InvalidOptionValue, path, lines, option["minimum"]!.Span, name, "minimum " + Format(a) + " is greater than maximum " + Format(b));
        }

        if ((type == "string" || type == "boolean") && (min is not null || max is not null))
        {
            var bound = option["minimum"] ?? option["maximum"]!;
            Add(diagnostics, ManifestDiagnosticDescriptors.InvalidOptionValue, path, lines, bound.Span, name, "minimum and maximum apply only to integer and number options");
        }

        if (option["default"] is JsonSyntaxNode value && type is not null)
        {
            CheckValue(value, "default", name, type, min, max, path, lines, diagnostics);
            if (option["allowedValues"] is JsonArraySyntax allowed && allowed.Items.Count > 0)
            {
                bool found = false;
                foreach (var candidate in allowed.Items)
                {
                    found |= StructuralValidator.JsonEquals(candidate, value);
                }

                if (!found)
                {
                    Add(diagnostics, ManifestDiagnosticDescriptors.InvalidOptionValue, path, lines, value.Span, name, "the default is not one of its allowedValues");
                }
            }
        }

        if (option["allowedValues"] is JsonArraySyntax values && type is not null)
        {
            foreach (var v in values.Items)
            {
                CheckValue(v, "allowed value", name, type, min, max, path, lines, diagnostics);
            }
        }
    }

    private static void CheckValue(JsonSyntaxNode value, string what, string name, string type, double? min, double? max, string? path, SourceLineMap lines, List<ManifestDiagnostic> diagnostics)
    {
        bool ok = type switch
        {
            "integer" => value is JsonNumberSyntax n && n.TryGetInt64(out _),
            "number" => value is JsonNumberSyntax,
            "string" => value is JsonStringSyntax,
            "boolean" => value.Kind == JsonSyntaxKind.Boolean,
            _ => true,
        };
        if (!ok)
        {
            Add(diagnostics, ManifestDiagnosticDescriptors.InvalidOptionValue, path, lines, value.Span, name, "the " + what + " must be " + (type == "integer" ? "an integer" : "a " + type) + ", found " + value.KindDescription);
            return;
        }

        if (value is JsonNumberSyntax number && number.TryGetDouble(out double d))
        {
            if ((min is double lo && d < lo) || (max is double hi && d > hi))
            {
                Add(diagnostics, ManifestDiagnosticDescriptors.InvalidOptionValue, path, lines, value.Span, name, "the " + what + " " + number.Text + " is outside [" + (min is null ? "-inf" : Format(min.Value)) + ", " + (max is null ? "inf" : Format(max.Value)) + "]");
            }
        }
    }

    private static bool IsHttpUrl(string value)
        => Uri.TryCreate(value, UriKind.Absolute, out Uri? uri)
           && (uri.Scheme == "http" || uri.Scheme == "https")
           && uri.Host.Length > 0;

    private static string StripBuildMetadata(string version)
    {
        int plus = version.IndexOf('+');
        return plus < 0 ? version : version.Substring(0, plus);
    }

    private static string Printable(string s)
    {
        var chars = new System.Text.StringBuilder();
        foreach (char c in s)
        {
            if (chars.Length > 80)
            {
                chars.Append("...");
                break;
            }

            chars.Append(c < 0x20 || c == 0x7F ? "\\u" + ((int)c).ToString("x4", CultureInfo.InvariantCulture) : c.ToString());
        }

        return chars.ToString();
    }

    private static string Format(double d) => d.ToString("R", CultureInfo.InvariantCulture);

    private static IEnumerable<JsonObjectSyntax> Objects(JsonSyntaxNode? array)
    {
        if (array is JsonArraySyntax a)
        {
            foreach (var item in a.Items)
            {
                if (item is JsonObjectSyntax o)
                {
                    yield return o;
                }
            }
        }
    }

    private static void Add(List<ManifestDiagnostic> diagnostics, ManifestDiagnosticDescriptor rule, string? path, SourceLineMap lines, SourceSpan span, params object?[] args)
        => diagnostics.Add(ManifestDiagnostic.Create(rule, path, lines, span, args));
}
