using System;
using System.Collections.Generic;
using System.Text.RegularExpressions;

namespace ModelManifest.Reading;

/// <summary>JSON types a schema allows, as flags.</summary>
[Flags]
internal enum SchemaTypes
{
    /// <summary>No "type" keyword: any value.</summary>
    Any = 0,
    /// <summary>object</summary>
    Object = 1,
    /// <summary>array</summary>
    Array = 2,
    /// <summary>string</summary>
    String = 4,
    /// <summary>integer (a number literal without fraction or exponent)</summary>
    Integer = 8,
    /// <summary>number (includes integer)</summary>
    Number = 16,
    /// <summary>boolean</summary>
    Boolean = 32,
    /// <summary>null</summary>
    Null = 64,
}

/// <summary>
/// One JSON Schema (draft-07) node, reduced to the keywords ModelManifest validates and generates from.
/// Public because the generator derives the typed surface (properties, types, descriptions) from it.
/// </summary>
internal sealed class SchemaNode
{
    internal SchemaNode(string pointer) => Pointer = pointer;

    /// <summary>JSON pointer of this node inside its schema document, for messages.</summary>
    public string Pointer { get; }

    /// <summary>The <c>$ref</c> text, or <see langword="null"/>.</summary>
    public string? Reference { get; internal set; }

    /// <summary>The node <see cref="Reference"/> points to, resolved after loading.</summary>
    public SchemaNode? ReferenceTarget { get; internal set; }

    /// <summary>Definition name when this node is <c>#/definitions/NAME</c>.</summary>
    public string? DefinitionName { get; internal set; }

    /// <summary>Allowed JSON types.</summary>
    public SchemaTypes Types { get; internal set; }

    /// <summary>Declared properties in schema order.</summary>
    public IReadOnlyList<KeyValuePair<string, SchemaNode>> Properties => _properties;

    internal readonly List<KeyValuePair<string, SchemaNode>> _properties = new();
    internal readonly Dictionary<string, SchemaNode> _propertyIndex = new(StringComparer.Ordinal);

    /// <summary>Required property names.</summary>
    public IReadOnlyList<string> Required { get; internal set; } = Array.Empty<string>();

    /// <summary>Schema for properties not in <see cref="Properties"/>, or <see langword="null"/>.</summary>
    public SchemaNode? AdditionalProperties { get; internal set; }

    /// <summary>False when the schema says <c>"additionalProperties": false</c>.</summary>
    public bool AllowsAdditionalProperties { get; internal set; } = true;

    /// <summary>Schema of array items, or <see langword="null"/>.</summary>
    public SchemaNode? Items { get; internal set; }

    /// <summary>Allowed values (the <c>enum</c> keyword), or <see langword="null"/>.</summary>
    public IReadOnlyList<JsonSyntaxNode>? Enum { get; internal set; }

    /// <summary>The <c>pattern</c> text, or <see langword="null"/>.</summary>
    public string? Pattern { get; internal set; }

    internal Regex? PatternRegex { get; set; }

    /// <summary>minLength</summary>
    public int? MinLength { get; internal set; }

    /// <summary>maxLength</summary>
    public int? MaxLength { get; internal set; }

    /// <summary>minItems</summary>
    public int? MinItems { get; internal set; }

    /// <summary>maxItems</summary>
    public int? MaxItems { get; internal set; }

    /// <summary>minimum</summary>
    public double? Minimum { get; internal set; }

    /// <summary>maximum</summary>
    public double? Maximum { get; internal set; }

    /// <summary>exclusiveMinimum (draft-07: a number)</summary>
    public double? ExclusiveMinimum { get; internal set; }

    /// <summary>exclusiveMaximum (draft-07: a number)</summary>
    public double? ExclusiveMaximum { get; internal set; }

    /// <summary>The description (becomes XML docs and tooltips).</summary>
    public string? Description { get; internal set; }

    /// <summary>The <c>default</c> value, or <see langword="null"/>.</summary>
    public JsonSyntaxNode? Default { get; internal set; }

    /// <summary><c>x-diagnostic</c>: the rule id to report when a value fails this node's pattern.</summary>
    public string? DiagnosticId { get; internal set; }

    /// <summary><c>x-since</c>: the schema minor that introduced this property.</summary>
    public string? Since { get; internal set; }

    /// <summary>Keywords present in the schema that the validator does not implement.</summary>
    public IReadOnlyList<string> UnsupportedKeywords { get; internal set; } = Array.Empty<string>();

    /// <summary>Follows <c>$ref</c> to the node that carries the constraints.</summary>
    public SchemaNode Resolved
    {
        get
        {
            SchemaNode node = this;
            for (int hops = 0; node.ReferenceTarget is not null && hops < 32; hops++)
            {
                node = node.ReferenceTarget;
            }

            return node;
        }
    }

    /// <summary>The own description, else the referenced node's.</summary>
    public string? EffectiveDescription => Description ?? ReferenceTarget?.EffectiveDescription;

    /// <summary>Finds a declared property schema.</summary>
    public SchemaNode? GetProperty(string name) => _propertyIndex.TryGetValue(name, out var node) ? node : null;
}
