using System.Text.Json;
using System.Text.Json.Nodes;

namespace ModelManifest.Cli.Extraction;

/// <summary>A JSON value's byte span in a <see cref="JsonSpanDocument"/>; objects carry their properties, arrays their items.</summary>
internal sealed class JsonSpanNode
{
    /// <summary>The value's first token.</summary>
    public JsonTokenType Kind { get; init; }

    /// <summary>Offset of the value's first byte.</summary>
    public int Start { get; init; }

    /// <summary>Offset just after the value's last byte.</summary>
    public int End { get; set; }

    /// <summary>An object's properties in text order, with the offset of each name.</summary>
    public List<(string Name, int NameStart, JsonSpanNode Value)> Properties { get; } = [];

    /// <summary>An array's items in text order.</summary>
    public List<JsonSpanNode> Items { get; } = [];

    /// <summary>The parsed value, once <see cref="JsonSpanDocument.ParsedOf"/> was asked.</summary>
    internal JsonNode? Parsed { get; set; }
}
