using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ModelManifest.Cli.Extraction;

/// <summary>
/// A JSON object's text as a tree of byte spans (<see cref="JsonSpanNode"/>), edited in place: only the spans that
/// change are replaced and new entries are inserted in the layout around them, so formatting, comments and untouched
/// values keep every byte. Knows JSON and layout only; what to change is the caller's business (see <see cref="ManifestEditor"/>).
/// </summary>
internal sealed class JsonSpanDocument
{
    private const int MaxOneLine = 120;

    private static readonly JsonReaderOptions s_readerOptions = new()
    {
        CommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        MaxDepth = 256,
    };

    private static readonly JsonDocumentOptions s_documentOptions = new()
    {
        CommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        MaxDepth = 256,
    };

    private readonly byte[] _text;
    private readonly List<(int Start, int End, string Replacement)> _edits = [];
    private readonly string _newLine;
    private readonly string _unit;

    /// <summary>Tokenises <paramref name="text"/> (UTF-8, optional BOM).</summary>
    /// <exception cref="FormatException">The text is not a JSON object.</exception>
    public JsonSpanDocument(byte[] text)
    {
        _text = text;
        int bom = HasBom(text) ? 3 : 0;
        var reader = new Utf8JsonReader(text.AsSpan(bom), s_readerOptions);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                throw new FormatException("the manifest is not a JSON object");
            }

            Root = ReadValue(ref reader, bom);
            if (reader.Read())
            {
                throw new FormatException("unexpected content after the manifest's closing brace");
            }
        }
        catch (JsonException e)
        {
            throw new FormatException($"not valid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1})", e);
        }

        _newLine = Array.IndexOf(text, (byte)'\r') >= 0 ? "\r\n" : "\n";
        _unit = Root.Properties.Count > 0 ? Indentation(Root.Properties[0].NameStart) : "  ";
        if (_unit.Length == 0)
        {
            _unit = "  ";
        }
    }

    /// <summary>The top-level object.</summary>
    public JsonSpanNode Root { get; }

    private JsonSpanNode ReadValue(ref Utf8JsonReader reader, int bias)
    {
        var node = new JsonSpanNode { Kind = reader.TokenType, Start = (int)reader.TokenStartIndex + bias };
        switch (reader.TokenType)
        {
            case JsonTokenType.StartObject:
                while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
                {
                    int nameStart = (int)reader.TokenStartIndex + bias;
                    string name = reader.GetString()!;
                    reader.Read();
                    node.Properties.Add((name, nameStart, ReadValue(ref reader, bias)));
                }

                break;
            case JsonTokenType.StartArray:
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    node.Items.Add(ReadValue(ref reader, bias));
                }

                break;
        }

        node.End = (int)reader.BytesConsumed + bias;
        return node;
    }

    /// <summary>The value of <paramref name="node"/> as a mutable node (parsed once, then cached).</summary>
    public JsonNode ParsedOf(JsonSpanNode node) =>
        node.Parsed ??= JsonNode.Parse(_text.AsSpan(node.Start, node.End - node.Start), documentOptions: s_documentOptions)!;

    /// <summary>Parses <paramref name="text"/> (UTF-8, optional BOM) read-only, with the same tolerance (comments, trailing commas).</summary>
    /// <exception cref="FormatException">The text is not JSON.</exception>
    public static JsonDocument ParseReadOnly(byte[] text)
    {
        try
        {
            return JsonDocument.Parse(text.AsMemory(HasBom(text) ? 3 : 0), s_documentOptions);
        }
        catch (JsonException e)
        {
            throw new FormatException($"not valid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1})", e);
        }
    }

    /// <summary>
    /// Replaces a value, keeping its layout: a one-line value stays on one line (when short), an array written
    /// one item per line keeps one (one-line) item per line, anything else is indented like its line.
    /// </summary>
    public void Replace(JsonSpanNode node, JsonNode value)
    {
        bool multiLine = !OnSameLine(node.Start, node.End);
        string replacement;
        if (!multiLine && (node.Kind is not (JsonTokenType.StartObject or JsonTokenType.StartArray) || OneLine(value).Length <= MaxOneLine))
        {
            replacement = OneLine(value);
        }
        else if (multiLine && value is JsonArray items && items.Count > 0 && node.Items.Count > 0
            && node.Items.All(i => OnSameLine(i.Start, i.End)) && !OnSameLine(node.Start, node.Items[0].Start)
            && items.All(i => OneLine(i!).Length <= MaxOneLine))
        {
            string itemIndent = Indentation(node.Items[0].Start);
            replacement = "[" + _newLine + string.Join("," + _newLine, items.Select(i => itemIndent + OneLine(i!)))
                + _newLine + Indentation(node.End - 1) + "]";
        }
        else
        {
            replacement = Serialize(value, Indentation(node.Start));
        }

        _edits.Add((node.Start, node.End, replacement));
    }

    /// <summary>One-line JSON with a space after ':' and ',' and inside braces: <c>{ "a": 1, "b": [1, 2] }</c>.</summary>
    private string OneLine(JsonNode? value) => value switch
    {
        JsonObject o when o.Count == 0 => "{}",
        JsonObject o => "{ " + string.Join(", ", o.Select(p => $"{JsonSerializer.Serialize(p.Key, SerializerOptions(false))}: {OneLine(p.Value)}")) + " }",
        JsonArray a => "[" + string.Join(", ", a.Select(OneLine)) + "]",
        null => "null",
        _ => value.ToJsonString(SerializerOptions(false)),
    };

    /// <summary>Adds property <paramref name="name"/> to object <paramref name="obj"/>, after its last property.</summary>
    public void InsertProperty(JsonSpanNode obj, string name, JsonNode value)
    {
        string nameJson = JsonSerializer.Serialize(name, SerializerOptions(indented: false));
        (int, int)? last = obj.Properties.Count == 0 ? null : (obj.Properties[^1].NameStart, obj.Properties[^1].Value.End);
        InsertEntry(obj, last, indent => $"{nameJson}: {Serialize(value, indent)}", $"{nameJson}: {OneLine(value)}");
    }

    /// <summary>Adds <paramref name="item"/> to <paramref name="array"/>, after its last item.</summary>
    public void Append(JsonSpanNode array, JsonNode item)
    {
        (int, int)? last = array.Items.Count == 0 ? null : (array.Items[^1].Start, array.Items[^1].End);
        InsertEntry(array, last, indent => Serialize(item, indent), OneLine(item));
    }

    /// <summary>
    /// Adds an entry to an object or array after its last entry (<paramref name="last"/>: where that entry's line
    /// starts and where it ends), matching the container's layout: one line, one entry per line, or empty.
    /// </summary>
    private void InsertEntry(JsonSpanNode container, (int Start, int End)? last, Func<string, string> indented, string compact)
    {
        if (last is not { } l)
        {
            string outer = Indentation(container.Start);
            string inner = outer + _unit;
            _edits.Add((container.Start + 1, container.End - 1, $"{_newLine}{inner}{indented(inner)}{_newLine}{outer}"));
        }
        else if (OnSameLine(container.Start, l.Start))
        {
            _edits.Add((l.End, l.End, ", " + compact));
        }
        else
        {
            string indent = Indentation(l.Start);
            _edits.Add((l.End, l.End, $",{_newLine}{indent}{indented(indent)}"));
        }
    }

    private bool OnSameLine(int a, int b) => Array.IndexOf(_text, (byte)'\n', a, b - a) < 0;

    /// <summary>The leading whitespace of the line containing <paramref name="position"/>.</summary>
    private string Indentation(int position)
    {
        int lineStart = position;
        while (lineStart > 0 && _text[lineStart - 1] != (byte)'\n')
        {
            lineStart--;
        }

        int i = lineStart;
        while (i < _text.Length && _text[i] is (byte)' ' or (byte)'\t')
        {
            i++;
        }

        return Encoding.UTF8.GetString(_text, lineStart, i - lineStart);
    }

    private JsonSerializerOptions SerializerOptions(bool indented) => new()
    {
        WriteIndented = indented,
        IndentCharacter = _unit.Length > 0 && _unit[0] == '\t' ? '\t' : ' ',
        IndentSize = Math.Max(1, _unit.Length),
        NewLine = _newLine,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Serialises <paramref name="value"/>; continuation lines are prefixed with <paramref name="indent"/>.</summary>
    private string Serialize(JsonNode value, string indent)
    {
        return value.ToJsonString(SerializerOptions(true)).Replace(_newLine, _newLine + indent, StringComparison.Ordinal);
    }

    /// <summary>The text with every edit applied.</summary>
    public byte[] Apply()
    {
        var output = new MemoryStream(_text.Length + 4096);
        int position = 0;
        foreach (var (start, end, replacement) in _edits.OrderBy(e => e.Start).ThenBy(e => e.End))
        {
            if (start < position)
            {
                throw new InvalidOperationException("overlapping manifest edits");
            }

            output.Write(_text, position, start - position);
            output.Write(Encoding.UTF8.GetBytes(replacement));
            position = end;
        }

        output.Write(_text, position, _text.Length - position);
        return output.ToArray();
    }

    private static bool HasBom(byte[] text) => text.Length >= 3 && text[0] == 0xEF && text[1] == 0xBB && text[2] == 0xBF;
}
