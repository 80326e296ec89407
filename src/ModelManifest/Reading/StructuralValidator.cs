using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace ModelManifest.Reading;

/// <summary>
/// The structural layer: checks a JSON value against a <see cref="SchemaNode"/> (draft-07 keywords type,
/// properties, required, additionalProperties, items, enum, pattern, min/max length, items and bounds).
/// Every finding is located on the offending token. Unknown properties are warnings, never errors,
/// so that manifests written for a newer minor still read.
/// </summary>
internal sealed class StructuralValidator
{
    private readonly string? _path;
    private readonly SourceLineMap _lines;
    private readonly List<ManifestDiagnostic> _diagnostics;

    private StructuralValidator(string? path, SourceLineMap lines, List<ManifestDiagnostic> diagnostics)
    {
        _path = path;
        _lines = lines;
        _diagnostics = diagnostics;
    }

    /// <summary>Validates <paramref name="value"/> against <paramref name="schema"/>, adding findings to <paramref name="diagnostics"/>.</summary>
    public static void Validate(JsonSyntaxNode value, SchemaNode schema, string? path, SourceLineMap lines, List<ManifestDiagnostic> diagnostics)
        => new StructuralValidator(path, lines, diagnostics).Check(value, schema, JsonPath.Root);

    private void Check(JsonSyntaxNode value, SchemaNode schema, JsonPath location)
    {
        schema = schema.Resolved;
        if (!HasAllowedType(value, schema.Types))
        {
            Report(ManifestDiagnosticDescriptors.WrongType, value.Span, location, DescribeTypes(schema.Types), value.KindDescription);
            return;
        }

        if (schema.Enum is not null && !ContainsEqual(schema.Enum, value))
        {
            Report(ManifestDiagnosticDescriptors.NotAllowedValue, value.Span, location, DescribeEnum(schema.Enum), Excerpt(value));
            return;
        }

        switch (value)
        {
            case JsonStringSyntax s:
                CheckString(s, schema, location);
                break;
            case JsonNumberSyntax n:
                CheckNumber(n, schema, location);
                break;
            case JsonArraySyntax a:
                CheckArray(a, schema, location);
                break;
            case JsonObjectSyntax o:
                CheckObject(o, schema, location);
                break;
        }
    }

    private void CheckString(JsonStringSyntax s, SchemaNode schema, JsonPath location)
    {
        CheckCount(s.Value.Length, schema.MinLength, schema.MaxLength, "character", s.Span, location);

        if (schema.PatternRegex is Regex regex && !IsMatch(regex, s.Value))
        {
            ManifestDiagnosticDescriptor rule = (schema.DiagnosticId is string id ? ManifestDiagnosticDescriptors.Find(id) : null)
                ?? ManifestDiagnosticDescriptors.PatternMismatch;
            Report(rule, s.Span, location, schema.Pattern, Truncate(s.Value));
        }
    }

    private static bool IsMatch(Regex regex, string value)
    {
        try
        {
            return regex.IsMatch(value);
        }
        catch (RegexMatchTimeoutException)
        {
            return false;
        }
    }

    private void CheckNumber(JsonNumberSyntax n, SchemaNode schema, JsonPath location)
    {
        if ((schema.Types & SchemaTypes.Integer) != 0 && (schema.Types & SchemaTypes.Number) == 0 && !n.TryGetInt64(out _))
        {
            // The schema's "integer" is a C# long in every typed surface: say so here, once.
            Report(ManifestDiagnosticDescriptors.IntegerOverflow, n.Span, location, Truncate(n.Text));
            return;
        }

        if (!n.TryGetDouble(out double v))
        {
            // Beyond double precision's range: no typed surface could hold it.
            Report(ManifestDiagnosticDescriptors.OutOfRange, n.Span, location, "a finite double-precision number", Truncate(n.Text));
            return;
        }

        if (schema.Minimum is double min && v < min)
        {
            Report(ManifestDiagnosticDescriptors.OutOfRange, n.Span, location, ">= " + Format(min), n.Text);
        }
        else if (schema.Maximum is double max && v > max)
        {
            Report(ManifestDiagnosticDescriptors.OutOfRange, n.Span, location, "<= " + Format(max), n.Text);
        }
        else if (schema.ExclusiveMinimum is double xmin && v <= xmin)
        {
            Report(ManifestDiagnosticDescriptors.OutOfRange, n.Span, location, "> " + Format(xmin), n.Text);
        }
        else if (schema.ExclusiveMaximum is double xmax && v >= xmax)
        {
            Report(ManifestDiagnosticDescriptors.OutOfRange, n.Span, location, "< " + Format(xmax), n.Text);
        }
    }

    /// <summary>minLength/maxLength and minItems/maxItems: one rule (MM0105), counted in characters or items.</summary>
    private void CheckCount(int count, int? min, int? max, string unit, SourceSpan span, JsonPath location)
    {
        if (min is int lo && count < lo)
        {
            Report(ManifestDiagnosticDescriptors.WrongLength, span, location, "at least " + Plural(lo, unit), Plural(count, unit));
        }
        else if (max is int hi && count > hi)
        {
            Report(ManifestDiagnosticDescriptors.WrongLength, span, location, "at most " + Plural(hi, unit), Plural(count, unit));
        }
    }

    private void CheckArray(JsonArraySyntax a, SchemaNode schema, JsonPath location)
    {
        int count = a.Items.Count;
        CheckCount(count, schema.MinItems, schema.MaxItems, "item", a.Span, location);

        if (schema.Items is SchemaNode items)
        {
            for (int i = 0; i < count; i++)
            {
                Check(a.Items[i], items, location.Item(i));
            }
        }
    }

    private void CheckObject(JsonObjectSyntax o, SchemaNode schema, JsonPath location)
    {
        foreach (string name in schema.Required)
        {
            if (o.GetProperty(name) is null)
            {
                Report(ManifestDiagnosticDescriptors.MissingProperty, new SourceSpan(o.Span.Start, 1), Label(o, location), name);
            }
        }

        bool declaresProperties = schema.Properties.Count > 0;
        foreach (JsonPropertySyntax p in o.Properties)
        {
            JsonPath childLocation = location.Property(p.Name);
            if (schema.GetProperty(p.Name) is SchemaNode declared)
            {
                Check(p.Value, declared, childLocation);
            }
            else if (schema.AdditionalProperties is SchemaNode additional)
            {
                Check(p.Value, additional, childLocation);
            }
            else if (!schema.AllowsAdditionalProperties)
            {
                _diagnostics.Add(new ManifestDiagnostic(
                    ManifestDiagnosticDescriptors.UnknownProperty,
                    "'" + Label(o, location) + "' does not allow property '" + p.Name + "'",
                    _path, p.NameSpan, _lines.GetPosition(p.NameSpan.Start), _lines.GetPosition(p.NameSpan.End), ManifestSeverity.Error));
            }
            else if (declaresProperties)
            {
                Report(ManifestDiagnosticDescriptors.UnknownProperty, p.NameSpan, Label(o, location), p.Name);
            }
        }
    }

    /// <summary>Whether the value's JSON type is allowed; "integer" is a literal without fraction or exponent.</summary>
    public static bool HasAllowedType(JsonSyntaxNode value, SchemaTypes types)
    {
        if (types == SchemaTypes.Any)
        {
            return true;
        }

        return value.Kind switch
        {
            JsonSyntaxKind.Object => (types & SchemaTypes.Object) != 0,
            JsonSyntaxKind.Array => (types & SchemaTypes.Array) != 0,
            JsonSyntaxKind.String => (types & SchemaTypes.String) != 0,
            JsonSyntaxKind.Boolean => (types & SchemaTypes.Boolean) != 0,
            JsonSyntaxKind.Null => (types & SchemaTypes.Null) != 0,
            _ => (types & SchemaTypes.Number) != 0 || ((types & SchemaTypes.Integer) != 0 && ((JsonNumberSyntax)value).IsInteger),
        };
    }

    /// <summary>JSON equality (numbers by value, objects ignoring property order).</summary>
    public static bool JsonEquals(JsonSyntaxNode a, JsonSyntaxNode b)
    {
        switch (a)
        {
            case JsonStringSyntax sa:
                return b is JsonStringSyntax sb && sa.Value == sb.Value;
            case JsonNumberSyntax na:
                return b is JsonNumberSyntax nb
                    && (na.Text == nb.Text || (na.TryGetDouble(out double x) && nb.TryGetDouble(out double y) && x == y));
            case JsonLiteralSyntax la:
                return b is JsonLiteralSyntax lb && la.Kind == lb.Kind && la.BooleanValue == lb.BooleanValue;
            case JsonArraySyntax aa:
                if (b is not JsonArraySyntax ab || aa.Items.Count != ab.Items.Count)
                {
                    return false;
                }

                for (int i = 0; i < aa.Items.Count; i++)
                {
                    if (!JsonEquals(aa.Items[i], ab.Items[i]))
                    {
                        return false;
                    }
                }

                return true;
            case JsonObjectSyntax oa:
                if (b is not JsonObjectSyntax ob || oa.Properties.Count != ob.Properties.Count)
                {
                    return false;
                }

                foreach (var p in oa.Properties)
                {
                    if (ob[p.Name] is not JsonSyntaxNode other || !JsonEquals(p.Value, other))
                    {
                        return false;
                    }
                }

                return true;
            default:
                return false;
        }
    }

    private static bool ContainsEqual(IReadOnlyList<JsonSyntaxNode> values, JsonSyntaxNode value)
    {
        foreach (var candidate in values)
        {
            if (JsonEquals(candidate, value))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>"asset 'x'" style label: the location plus the object's id when it has one.</summary>
    private static string Label(JsonObjectSyntax o, JsonPath location)
        => o.GetString("id") is string id ? location + " (\"" + Truncate(id) + "\")"
         : o.GetString("name") is string name ? location + " (\"" + Truncate(name) + "\")"
         : location.ToString();

    private static string DescribeTypes(SchemaTypes types)
    {
        var names = new List<string>();
        if ((types & SchemaTypes.Object) != 0) names.Add("an object");
        if ((types & SchemaTypes.Array) != 0) names.Add("an array");
        if ((types & SchemaTypes.String) != 0) names.Add("a string");
        if ((types & SchemaTypes.Number) != 0) names.Add("a number");
        else if ((types & SchemaTypes.Integer) != 0) names.Add("an integer");
        if ((types & SchemaTypes.Boolean) != 0) names.Add("a boolean");
        if ((types & SchemaTypes.Null) != 0) names.Add("null");
        return string.Join(" or ", names);
    }

    private static string DescribeEnum(IReadOnlyList<JsonSyntaxNode> values)
    {
        var sb = new StringBuilder();
        foreach (var v in values)
        {
            sb.Append(sb.Length == 0 ? string.Empty : ", ").Append(Excerpt(v));
        }

        return sb.Length == 0 ? "(no value)" : sb.ToString();
    }

    private static string Excerpt(JsonSyntaxNode value) => value switch
    {
        JsonStringSyntax s => "\"" + Truncate(s.Value) + "\"",
        JsonNumberSyntax n => Truncate(n.Text),
        JsonLiteralSyntax { Kind: JsonSyntaxKind.Null } => "null",
        JsonLiteralSyntax l => l.BooleanValue ? "true" : "false",
        _ => value.KindDescription,
    };

    private static string Truncate(string s) => s.Length <= 80 ? s : s.Substring(0, 77) + "...";

    private static string Plural(int n, string word) => n.ToString(CultureInfo.InvariantCulture) + " " + word + (n == 1 ? string.Empty : "s");

    private static string Format(double d) => d.ToString("R", CultureInfo.InvariantCulture);

    private void Report(ManifestDiagnosticDescriptor descriptor, SourceSpan span, params object?[] args)
        => _diagnostics.Add(ManifestDiagnostic.Create(descriptor, _path, _lines, span, args));
}
