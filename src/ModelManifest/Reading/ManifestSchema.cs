using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text.RegularExpressions;

namespace ModelManifest.Reading;

/// <summary>
/// The manifest contract (schema/model-manifest.schema.json) loaded into <see cref="SchemaNode"/>s.
/// The same embedded file drives validation in the runtime, the CLI and the generator, so a schema
/// change reaches all three without a second edit.
/// </summary>
internal sealed class ManifestSchema
{
    /// <summary>Resource name of the embedded schema in every assembly that compiles this code.</summary>
    public const string ResourceName = "ModelManifest.model-manifest.schema.json";

    private static readonly object s_gate = new();
    private static ManifestSchema? s_embedded;
    private static string? s_embeddedText;

    private static readonly HashSet<string> s_annotations = new(StringComparer.Ordinal)
    {
        "$schema", "$id", "$comment", "title", "description", "default", "examples", "definitions",
    };

    private ManifestSchema(SchemaNode root, IReadOnlyDictionary<string, SchemaNode> definitions, string version, string? id)
    {
        Root = root;
        Definitions = definitions;
        Version = version;
        Id = id;
        string[] parts = version.Split('.');
        Major = int.Parse(parts[0], CultureInfo.InvariantCulture);
        Minor = int.Parse(parts[1], CultureInfo.InvariantCulture);
    }

    /// <summary>The root node (the manifest object).</summary>
    public SchemaNode Root { get; }

    /// <summary>Named definitions.</summary>
    public IReadOnlyDictionary<string, SchemaNode> Definitions { get; }

    /// <summary>The schema version this file defines (<c>x-schemaVersion</c>, major.minor).</summary>
    public string Version { get; }

    /// <summary>Major part of <see cref="Version"/>.</summary>
    public int Major { get; }

    /// <summary>Minor part of <see cref="Version"/>.</summary>
    public int Minor { get; }

    /// <summary>The <c>$id</c>.</summary>
    public string? Id { get; }

    /// <summary>The schema embedded in this assembly.</summary>
    public static ManifestSchema Embedded
    {
        get
        {
            lock (s_gate)
            {
                return s_embedded ??= Load(EmbeddedText);
            }
        }
    }

    /// <summary>The text of the embedded schema (for tools that hand it to another validator).</summary>
    public static string EmbeddedText
    {
        get
        {
            lock (s_gate)
            {
                if (s_embeddedText is null)
                {
                    using Stream stream = typeof(ManifestSchema).Assembly.GetManifestResourceStream(ResourceName)
                        ?? throw new InvalidOperationException("The manifest schema resource '" + ResourceName + "' is missing from " + typeof(ManifestSchema).Assembly.GetName().Name + ".");
                    using var reader = new StreamReader(stream);
                    s_embeddedText = reader.ReadToEnd();
                }

                return s_embeddedText;
            }
        }
    }

    /// <summary>Loads a schema from text; throws <see cref="FormatException"/> with the reason when it is not a usable schema.</summary>
    public static ManifestSchema Load(string text)
    {
        JsonParseResult parsed = JsonSyntaxParser.Parse(text, "schema");
        if (parsed.Root is not JsonObjectSyntax rootObject)
        {
            string reason = parsed.Diagnostics.Count > 0 ? parsed.Diagnostics[0].ToString() : "the schema is not a JSON object";
            throw new FormatException(reason);
        }

        var definitions = new Dictionary<string, SchemaNode>(StringComparer.Ordinal);
        var all = new List<SchemaNode>();
        if (rootObject["definitions"] is JsonObjectSyntax defs)
        {
            foreach (var def in defs.Properties)
            {
                definitions[def.Name] = Build(def.Value, "#/definitions/" + def.Name, all);
                definitions[def.Name].DefinitionName = def.Name;
            }
        }

        SchemaNode root = Build(rootObject, "#", all);
        foreach (SchemaNode node in all)
        {
            if (node.Reference is null)
            {
                continue;
            }

            const string prefix = "#/definitions/";
            if (!node.Reference.StartsWith(prefix, StringComparison.Ordinal)
                || !definitions.TryGetValue(node.Reference.Substring(prefix.Length), out var target))
            {
                throw new FormatException("Unsupported or dangling $ref '" + node.Reference + "' at " + node.Pointer + "; only '#/definitions/NAME' is supported.");
            }

            node.ReferenceTarget = target;
        }

        string version = rootObject.GetString("x-schemaVersion") ?? "1.0";
        if (!Regex.IsMatch(version, "^[0-9]+\\.[0-9]+$"))
        {
            throw new FormatException("x-schemaVersion must be 'major.minor', found '" + version + "'.");
        }

        return new ManifestSchema(root, definitions, version, rootObject.GetString("$id"));
    }

    private static SchemaNode Build(JsonSyntaxNode syntax, string pointer, List<SchemaNode> all)
    {
        var node = new SchemaNode(pointer);
        all.Add(node);
        if (syntax is JsonLiteralSyntax { Kind: JsonSyntaxKind.Boolean } literal)
        {
            if (!literal.BooleanValue)
            {
                node.Enum = Array.Empty<JsonSyntaxNode>(); // 'false' schema: nothing is valid
            }

            return node;
        }

        if (syntax is not JsonObjectSyntax obj)
        {
            throw new FormatException("Schema node at " + pointer + " must be an object or a boolean.");
        }

        var unsupported = new List<string>();
        foreach (JsonPropertySyntax p in obj.Properties)
        {
            string at = pointer + "/" + p.Name;
            switch (p.Name)
            {
                case "$ref": node.Reference = RequireString(p, at); break;
                case "type": node.Types = ParseTypes(p.Value, at); break;
                case "description": node.Description = RequireString(p, at); break;
                case "default": node.Default = p.Value; break;
                case "x-diagnostic": node.DiagnosticId = RequireString(p, at); break;
                case "x-since": node.Since = RequireString(p, at); break;
                case "pattern":
                    node.Pattern = RequireString(p, at);
                    node.PatternRegex = new Regex(node.Pattern, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
                    break;
                case "minLength": node.MinLength = RequireInt(p, at); break;
                case "maxLength": node.MaxLength = RequireInt(p, at); break;
                case "minItems": node.MinItems = RequireInt(p, at); break;
                case "maxItems": node.MaxItems = RequireInt(p, at); break;
                case "minimum": node.Minimum = RequireNumber(p, at); break;
                case "maximum": node.Maximum = RequireNumber(p, at); break;
                case "exclusiveMinimum": node.ExclusiveMinimum = RequireNumber(p, at); break;
                case "exclusiveMaximum": node.ExclusiveMaximum = RequireNumber(p, at); break;
                case "enum":
                    node.Enum = p.Value is JsonArraySyntax values ? values.Items : throw new FormatException("'enum' at " + at + " must be an array.");
                    break;
                case "required":
                    var required = new List<string>();
                    if (p.Value is JsonArraySyntax names)
                    {
                        foreach (var n in names.Items)
                        {
                            required.Add(n is JsonStringSyntax s ? s.Value : throw new FormatException("'required' at " + at + " must list strings."));
                        }
                    }

                    node.Required = required;
                    break;
                case "properties":
                    if (p.Value is not JsonObjectSyntax props)
                    {
                        throw new FormatException("'properties' at " + at + " must be an object.");
                    }

                    foreach (var prop in props.Properties)
                    {
                        SchemaNode child = Build(prop.Value, at + "/" + prop.Name, all);
                        node._properties.Add(new KeyValuePair<string, SchemaNode>(prop.Name, child));
                        node._propertyIndex[prop.Name] = child;
                    }

                    break;
                case "additionalProperties":
                    if (p.Value is JsonLiteralSyntax { Kind: JsonSyntaxKind.Boolean } allow)
                    {
                        node.AllowsAdditionalProperties = allow.BooleanValue;
                    }
                    else
                    {
                        node.AdditionalProperties = Build(p.Value, at, all);
                    }

                    break;
                case "items":
                    node.Items = Build(p.Value, at, all);
                    break;
                default:
                    if (!s_annotations.Contains(p.Name) && !p.Name.StartsWith("x-", StringComparison.Ordinal))
                    {
                        unsupported.Add(p.Name);
                    }

                    break;
            }
        }

        node.UnsupportedKeywords = unsupported;
        return node;
    }

    private static SchemaTypes ParseTypes(JsonSyntaxNode value, string at)
    {
        SchemaTypes types = SchemaTypes.Any;
        if (value is JsonStringSyntax single)
        {
            return ParseType(single.Value, at);
        }

        if (value is JsonArraySyntax many)
        {
            foreach (var item in many.Items)
            {
                types |= item is JsonStringSyntax s ? ParseType(s.Value, at) : throw new FormatException("'type' at " + at + " must list strings.");
            }

            return types;
        }

        throw new FormatException("'type' at " + at + " must be a string or an array of strings.");
    }

    private static SchemaTypes ParseType(string name, string at) => name switch
    {
        "object" => SchemaTypes.Object,
        "array" => SchemaTypes.Array,
        "string" => SchemaTypes.String,
        "integer" => SchemaTypes.Integer,
        "number" => SchemaTypes.Number,
        "boolean" => SchemaTypes.Boolean,
        "null" => SchemaTypes.Null,
        _ => throw new FormatException("Unknown type '" + name + "' at " + at + "."),
    };

    private static string RequireString(JsonPropertySyntax p, string at)
        => p.Value is JsonStringSyntax s ? s.Value : throw new FormatException("'" + p.Name + "' at " + at + " must be a string.");

    private static int RequireInt(JsonPropertySyntax p, string at)
        => p.Value is JsonNumberSyntax n && n.TryGetInt64(out long v) && v >= 0 && v <= int.MaxValue ? (int)v : throw new FormatException("'" + p.Name + "' at " + at + " must be a non-negative integer.");

    private static double RequireNumber(JsonPropertySyntax p, string at)
        => p.Value is JsonNumberSyntax n && n.TryGetDouble(out double v) ? v : throw new FormatException("'" + p.Name + "' at " + at + " must be a number.");
}
