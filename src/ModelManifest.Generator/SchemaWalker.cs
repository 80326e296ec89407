using System;
using System.Collections.Generic;
using System.Globalization;
using ModelManifest.Generator.Helpers;
using ModelManifest.Generator.Model;
using ModelManifest.Reading;

namespace ModelManifest.Generator;

/// <summary>
/// Derives typed, documented members from a schema object: every property whose type is a scalar (string, integer,
/// number, boolean) or an array of scalars becomes a member, its type from the schema, its value from the manifest
/// (else the schema's default, else null), its XML docs from the schema's description. This is what makes a new
/// optional schema property appear in generated code without a hand edit.
/// </summary>
internal static class SchemaWalker
{
    private enum Scalar
    {
        None,
        String,
        Integer,
        Number,
        Boolean,
    }

    /// <summary>Names generated members never take (fixed members, object methods).</summary>
    public static readonly HashSet<string> ObjectMembers = new(StringComparer.Ordinal)
    {
        "ToString", "Equals", "GetHashCode", "GetType", "MemberwiseClone", "Finalize", "ReferenceEquals",
    };

    public static List<MemberSpec> Members(SchemaNode objectSchema, JsonObjectSyntax? value, string? manifestSchemaVersion, ISet<string> exclude, ISet<string> reserved)
    {
        SchemaNode schema = objectSchema.Resolved;
        var members = new List<MemberSpec>();
        var taken = new HashSet<string>(reserved, StringComparer.Ordinal);
        foreach (KeyValuePair<string, SchemaNode> property in schema.Properties)
        {
            if (exclude.Contains(property.Key))
            {
                continue;
            }

            SchemaNode node = property.Value;
            SchemaNode resolved = node.Resolved;
            Scalar scalar = ScalarOf(resolved.Types);
            Scalar item = Scalar.None;
            if (scalar == Scalar.None && resolved.Types == SchemaTypes.Array && resolved.Items is SchemaNode items)
            {
                item = ScalarOf(items.Resolved.Types);
                if (item == Scalar.None)
                {
                    continue;
                }
            }
            else if (scalar == Scalar.None)
            {
                continue; // objects and unions stay reachable through Info (the runtime record)
            }

            string name = CSharpIdentifiers.ToIdentifier(property.Key);
            if (!taken.Add(name) || ObjectMembers.Contains(name))
            {
                continue;
            }

            bool required = Contains(schema.Required, property.Key);
            JsonSyntaxNode? defaultValue = node.Default ?? resolved.Default;
            JsonSyntaxNode? actual = value?[property.Key];
            string? since = node.Since ?? resolved.Since;
            string doc = node.EffectiveDescription ?? resolved.Description ?? ("The manifest's \"" + property.Key + "\".");
            string? remarks = Remarks(resolved, since, manifestSchemaVersion, defaultValue);

            if (item != Scalar.None)
            {
                string itemType = TypeOf(item);
                var literals = new List<string>();
                if (actual is JsonArraySyntax array)
                {
                    foreach (JsonSyntaxNode element in array.Items)
                    {
                        if (Literal(element, item) is string literal)
                        {
                            literals.Add(literal);
                        }
                    }
                }

                string arrayValue = literals.Count == 0
                    ? "global::System.Array.Empty<" + itemType + ">()"
                    : "new " + itemType + "[] { " + string.Join(", ", literals) + " }";
                members.Add(new MemberSpec(name, property.Key, "global::System.Collections.Generic.IReadOnlyList<" + itemType + ">", arrayValue, doc, remarks));
                continue;
            }

            string? defaultLiteral = defaultValue is null ? null : Literal(defaultValue, scalar);
            bool nullable = !required && defaultLiteral is null;
            string? actualLiteral = actual is null ? null : Literal(actual, scalar);
            string expression = actualLiteral ?? defaultLiteral ?? (nullable ? "null" : Zero(scalar));
            members.Add(new MemberSpec(name, property.Key, TypeOf(scalar) + (nullable ? "?" : string.Empty), expression, doc, remarks));
        }

        return members;
    }

    private static string? Remarks(SchemaNode resolved, string? since, string? manifestVersion, JsonSyntaxNode? defaultValue)
    {
        var parts = new List<string>();
        if (resolved.Enum is { Count: > 0 } values)
        {
            var names = new List<string>();
            foreach (JsonSyntaxNode v in values)
            {
                names.Add(v is JsonStringSyntax s ? "\"" + s.Value + "\"" : v.KindDescription);
            }

            parts.Add("One of " + string.Join(", ", names) + ".");
        }

        if (since is not null)
        {
            string text = "Added in schema " + since + ".";
            if (manifestVersion is not null && IsOlder(manifestVersion, since))
            {
                text += " This manifest states schema " + manifestVersion + ", which predates it, so the value is "
                    + (defaultValue is JsonStringSyntax d ? "\"" + d.Value + "\"" : "the schema's default") + " unless the manifest sets it.";
            }

            parts.Add(text);
        }

        return parts.Count == 0 ? null : string.Join(" ", parts);
    }

    /// <summary>Whether major.minor <paramref name="version"/> is older than <paramref name="since"/>.</summary>
    public static bool IsOlder(string version, string since)
    {
        return Parse(version, out int vMajor, out int vMinor) && Parse(since, out int sMajor, out int sMinor)
            && (vMajor < sMajor || (vMajor == sMajor && vMinor < sMinor));

        static bool Parse(string text, out int major, out int minor)
        {
            major = minor = 0;
            string[] parts = text.Split('.');
            return parts.Length >= 2
                && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out major)
                && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out minor);
        }
    }

    private static bool Contains(IReadOnlyList<string> list, string value)
    {
        foreach (string s in list)
        {
            if (s == value)
            {
                return true;
            }
        }

        return false;
    }

    private static Scalar ScalarOf(SchemaTypes types) => types switch
    {
        SchemaTypes.String => Scalar.String,
        SchemaTypes.Integer => Scalar.Integer,
        SchemaTypes.Number => Scalar.Number,
        SchemaTypes.Number | SchemaTypes.Integer => Scalar.Number,
        SchemaTypes.Boolean => Scalar.Boolean,
        _ => Scalar.None,
    };

    private static string TypeOf(Scalar scalar) => scalar switch
    {
        Scalar.String => "string",
        Scalar.Integer => "long",
        Scalar.Number => "double",
        _ => "bool",
    };

    private static string Zero(Scalar scalar) => scalar switch
    {
        Scalar.String => "\"\"",
        Scalar.Integer => "0L",
        Scalar.Number => "0d",
        _ => "false",
    };

    private static string? Literal(JsonSyntaxNode value, Scalar scalar)
    {
        switch (scalar)
        {
            case Scalar.String:
                return value is JsonStringSyntax s ? CSharpLiterals.StringLiteral(s.Value) : null;
            case Scalar.Integer:
                return value is JsonNumberSyntax i && i.TryGetInt64(out long l) ? CSharpLiterals.Int64Literal(l) : null;
            case Scalar.Number:
                return NumberLiteral(value);
            default:
                return value.Kind == JsonSyntaxKind.Boolean ? CSharpLiterals.BoolLiteral(((JsonLiteralSyntax)value).BooleanValue) : null;
        }
    }

    /// <summary>A JSON number as a C# double literal (out-of-range literals become infinities).</summary>
    public static string? NumberLiteral(JsonSyntaxNode value)
    {
        if (value is not JsonNumberSyntax n)
        {
            return null;
        }

        if (n.TryGetDouble(out double d))
        {
            return CSharpLiterals.DoubleLiteral(d);
        }

        return n.Text.StartsWith("-", StringComparison.Ordinal) ? "double.NegativeInfinity" : "double.PositiveInfinity";
    }
}
