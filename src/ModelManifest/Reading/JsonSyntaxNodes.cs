using System;
using System.Collections.Generic;

namespace ModelManifest.Reading;

/// <summary>Kind of a JSON value.</summary>
internal enum JsonSyntaxKind
{
    /// <summary>An object.</summary>
    Object,
    /// <summary>An array.</summary>
    Array,
    /// <summary>A string.</summary>
    String,
    /// <summary>A number.</summary>
    Number,
    /// <summary>true or false.</summary>
    Boolean,
    /// <summary>null.</summary>
    Null,
}

/// <summary>
/// A JSON value with the span it came from. The manifest reader validates on these nodes so every
/// diagnostic points at a token; the generator and the CLI's in-place editor use the spans too.
/// </summary>
internal abstract class JsonSyntaxNode
{
    private protected JsonSyntaxNode(SourceSpan span) => Span = span;

    /// <summary>The value's characters, from its first to its last token.</summary>
    public SourceSpan Span { get; }

    /// <summary>What kind of value this is.</summary>
    public abstract JsonSyntaxKind Kind { get; }

    /// <summary>A short description for messages ("a string", "an object", ...).</summary>
    public string KindDescription => Kind switch
    {
        JsonSyntaxKind.Object => "an object",
        JsonSyntaxKind.Array => "an array",
        JsonSyntaxKind.String => "a string",
        JsonSyntaxKind.Number => ((JsonNumberSyntax)this).IsInteger ? "an integer" : "a number",
        JsonSyntaxKind.Boolean => "a boolean",
        _ => "null",
    };
}

/// <summary>A JSON object; properties in document order.</summary>
internal sealed class JsonObjectSyntax : JsonSyntaxNode
{
    // Small objects (nearly all of a manifest) are searched linearly; an index is built only for large ones.
    private const int IndexThreshold = 12;
    private readonly List<JsonPropertySyntax> _properties;
    private readonly Dictionary<string, JsonPropertySyntax>? _byName;

    internal JsonObjectSyntax(SourceSpan span, List<JsonPropertySyntax> properties)
        : base(span)
    {
        _properties = properties;
        Properties = properties;
        if (properties.Count > IndexThreshold)
        {
            _byName = new Dictionary<string, JsonPropertySyntax>(StringComparer.Ordinal);
            foreach (var p in properties)
            {
                _byName[p.Name] = p;
            }
        }
    }

    /// <inheritdoc/>
    public override JsonSyntaxKind Kind => JsonSyntaxKind.Object;

    /// <summary>Properties in document order, duplicates included (a duplicate is also reported as MM0004).</summary>
    public IReadOnlyList<JsonPropertySyntax> Properties { get; }

    /// <summary>Finds a property by exact name; for a duplicate, the last one (as System.Text.Json binds it).</summary>
    public JsonPropertySyntax? GetProperty(string name)
    {
        if (_byName is not null)
        {
            return _byName.TryGetValue(name, out var p) ? p : null;
        }

        for (int i = _properties.Count - 1; i >= 0; i--)
        {
            if (string.Equals(_properties[i].Name, name, StringComparison.Ordinal))
            {
                return _properties[i];
            }
        }

        return null;
    }

    /// <summary>The value of a property, or <see langword="null"/>.</summary>
    public JsonSyntaxNode? this[string name] => GetProperty(name)?.Value;

    /// <summary>The string value of a property, or <see langword="null"/> when absent or not a string.</summary>
    public string? GetString(string name) => (this[name] as JsonStringSyntax)?.Value;
}

/// <summary>One <c>"name": value</c> pair.</summary>
internal sealed class JsonPropertySyntax
{
    internal JsonPropertySyntax(string name, SourceSpan nameSpan, JsonSyntaxNode value)
    {
        Name = name;
        NameSpan = nameSpan;
        Value = value;
    }

    /// <summary>The unescaped name.</summary>
    public string Name { get; }

    /// <summary>Span of the name token including quotes.</summary>
    public SourceSpan NameSpan { get; }

    /// <summary>The value.</summary>
    public JsonSyntaxNode Value { get; }

    /// <summary>From the name's opening quote to the value's end.</summary>
    public SourceSpan Span => new(NameSpan.Start, Value.Span.End - NameSpan.Start);
}

/// <summary>A JSON array.</summary>
internal sealed class JsonArraySyntax : JsonSyntaxNode
{
    internal JsonArraySyntax(SourceSpan span, List<JsonSyntaxNode> items)
        : base(span) => Items = items;

    /// <inheritdoc/>
    public override JsonSyntaxKind Kind => JsonSyntaxKind.Array;

    /// <summary>The items in order.</summary>
    public IReadOnlyList<JsonSyntaxNode> Items { get; }
}

/// <summary>A JSON string (unescaped value).</summary>
internal sealed class JsonStringSyntax : JsonSyntaxNode
{
    internal JsonStringSyntax(SourceSpan span, string value)
        : base(span) => Value = value;

    /// <inheritdoc/>
    public override JsonSyntaxKind Kind => JsonSyntaxKind.String;

    /// <summary>The unescaped value.</summary>
    public string Value { get; }
}

/// <summary>A JSON number, kept as its text so no precision is lost.</summary>
internal sealed class JsonNumberSyntax : JsonSyntaxNode
{
    internal JsonNumberSyntax(SourceSpan span, string text, bool isInteger)
        : base(span)
    {
        Text = text;
        IsInteger = isInteger;
    }

    /// <inheritdoc/>
    public override JsonSyntaxKind Kind => JsonSyntaxKind.Number;

    /// <summary>The literal as written.</summary>
    public string Text { get; }

    /// <summary>Written without fraction or exponent (as JSON Schema validators built on Json.NET treat "integer").</summary>
    public bool IsInteger { get; }

    /// <summary>The value as a 64-bit integer, when it is an integer literal that fits.</summary>
    public bool TryGetInt64(out long value)
    {
        value = 0;
        return IsInteger && long.TryParse(Text, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out value);
    }

    /// <summary>The value as a double (very large literals become infinity and report false).</summary>
    public bool TryGetDouble(out double value)
    {
        bool ok = double.TryParse(Text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out value);
        return ok && !double.IsInfinity(value) && !double.IsNaN(value);
    }
}

/// <summary>true, false or null.</summary>
internal sealed class JsonLiteralSyntax : JsonSyntaxNode
{
    private readonly JsonSyntaxKind _kind;

    internal JsonLiteralSyntax(SourceSpan span, JsonSyntaxKind kind, bool value)
        : base(span)
    {
        _kind = kind;
        BooleanValue = value;
    }

    /// <inheritdoc/>
    public override JsonSyntaxKind Kind => _kind;

    /// <summary>The boolean value (false for null).</summary>
    public bool BooleanValue { get; }
}
