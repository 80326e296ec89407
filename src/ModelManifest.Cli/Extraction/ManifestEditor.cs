using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ModelManifest.Cli.Extraction;

/// <summary>
/// Adds or updates model and asset entries in a manifest's text without re-serialising the file: the text is
/// tokenised with <see cref="Utf8JsonReader"/> into a tree of byte spans, and only the spans that change are
/// replaced (or new text inserted), so formatting, comments and unrelated entries keep every byte.
/// </summary>
/// <remarks>
/// Merge rules: a model is found by id + version, an asset by id + tag. Properties of an existing entry are merged
/// recursively: objects property by property, a model's <c>assets</c> references by id + tag, any other value
/// replaced. Properties the new data does not mention are kept.
/// </remarks>
internal static class ManifestEditor
{
    private static readonly JsonReaderOptions ReaderOptions = new()
    {
        CommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        MaxDepth = 256,
    };

    /// <summary>Applies the upserts to <paramref name="text"/> (UTF-8, optional BOM) and returns the new bytes.</summary>
    /// <exception cref="FormatException">The text is not a JSON object.</exception>
    public static byte[] Upsert(byte[] text, JsonObject? model, JsonObject? asset)
    {
        var doc = new Document(text);
        Node root = doc.Root;
        if (model is not null)
        {
            doc.UpsertItem(root, "models", model, ModelKey);
        }

        if (asset is not null)
        {
            doc.UpsertItem(root, "assets", asset, AssetKey);
        }

        return doc.Apply();
    }

    /// <summary>The models' (id, version) whose asset references include (<paramref name="assetId"/>, <paramref name="tag"/>).</summary>
    public static IReadOnlyList<(string Id, string Version)> ModelsReferencing(byte[] text, string assetId, string? tag)
    {
        using JsonDocument doc = Parse(text);
        var result = new List<(string, string)>();
        if (!doc.RootElement.TryGetProperty("models", out JsonElement models) || models.ValueKind != JsonValueKind.Array)
        {
            return result;
        }

        foreach (JsonElement m in models.EnumerateArray())
        {
            if (m.ValueKind == JsonValueKind.Object && m.TryGetProperty("assets", out JsonElement refs) && refs.ValueKind == JsonValueKind.Array
                && refs.EnumerateArray().Any(r => Str(r, "id") == assetId && Str(r, "tag") == tag)
                && Str(m, "id") is { } id && Str(m, "version") is { } version)
            {
                result.Add((id, version));
            }
        }

        return result;
    }

    /// <summary>Assets (id, tag) with the given sha256.</summary>
    public static IReadOnlyList<(string Id, string? Tag)> AssetsWithSha256(byte[] text, string sha256)
    {
        using JsonDocument doc = Parse(text);
        if (!doc.RootElement.TryGetProperty("assets", out JsonElement assets) || assets.ValueKind != JsonValueKind.Array)
        {
            return [];
        }

        return assets.EnumerateArray()
            .Where(a => a.ValueKind == JsonValueKind.Object && Str(a, "sha256") == sha256 && Str(a, "id") is not null)
            .Select(a => (Str(a, "id")!, Str(a, "tag")))
            .ToList();
    }

    private static JsonDocument Parse(byte[] text)
    {
        int bom = HasBom(text) ? 3 : 0;
        try
        {
            return JsonDocument.Parse(text.AsMemory(bom), new JsonDocumentOptions
            {
                CommentHandling = JsonCommentHandling.Skip,
                AllowTrailingCommas = true,
                MaxDepth = 256,
            });
        }
        catch (JsonException e)
        {
            throw new FormatException($"not valid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1})", e);
        }
    }

    private static string? Str(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out JsonElement v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static string ModelKey(JsonNode n) => $"{(string?)n["id"]}\u0000{(string?)n["version"]}";

    private static string AssetKey(JsonNode n) => $"{(string?)n["id"]}\u0000{(string?)n["tag"]}";

    private static bool HasBom(byte[] text) => text.Length >= 3 && text[0] == 0xEF && text[1] == 0xBB && text[2] == 0xBF;

    /// <summary>A JSON value's byte span; objects carry their properties, arrays their items.</summary>
    private sealed class Node
    {
        public JsonTokenType Kind;
        public int Start;
        public int End;   // exclusive
        public readonly List<(string Name, int NameStart, Node Value)> Properties = [];
        public readonly List<Node> Items = [];
        public JsonNode? Parsed;
    }

    private sealed class Document
    {
        private readonly byte[] _text;
        private readonly List<(int Start, int End, string Replacement)> _edits = [];
        private readonly string _newLine;
        private readonly string _unit;

        public Document(byte[] text)
        {
            _text = text;
            int bom = HasBom(text) ? 3 : 0;
            var reader = new Utf8JsonReader(text.AsSpan(bom), ReaderOptions);
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

        public Node Root { get; }

        private Node ReadValue(ref Utf8JsonReader reader, int bias)
        {
            var node = new Node { Kind = reader.TokenType, Start = (int)reader.TokenStartIndex + bias };
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

        private JsonNode ParsedOf(Node node) =>
            node.Parsed ??= JsonNode.Parse(_text.AsSpan(node.Start, node.End - node.Start), documentOptions: new JsonDocumentOptions
            {
                CommentHandling = JsonCommentHandling.Skip,
                AllowTrailingCommas = true,
                MaxDepth = 256,
            })!;

        /// <summary>In <paramref name="owner"/>'s array property <paramref name="arrayName"/>, update the item with the same key or append.</summary>
        public void UpsertItem(Node owner, string arrayName, JsonObject item, Func<JsonNode, string> key)
        {
            var property = owner.Properties.FirstOrDefault(p => p.Name == arrayName);
            if (property.Value is null)
            {
                InsertProperty(owner, arrayName, new JsonArray(item.DeepClone()));
                return;
            }

            Node array = property.Value;
            if (array.Kind != JsonTokenType.StartArray)
            {
                Replace(array, new JsonArray(item.DeepClone()));
                return;
            }

            string wanted = key(item);
            Node? existing = array.Items.FirstOrDefault(i => i.Kind == JsonTokenType.StartObject && key(ParsedOf(i)) == wanted);
            if (existing is null)
            {
                Append(array, item);
            }
            else
            {
                Merge(existing, item);
            }
        }

        private void Merge(Node target, JsonObject values, bool replaceChildren = false)
        {
            if (target.Properties.Count == 0)
            {
                // An empty object: write the new properties in one edit (several inserts into "{}" would overlap).
                Replace(target, values.DeepClone());
                return;
            }

            foreach (var (name, value) in values)
            {
                var property = target.Properties.FirstOrDefault(p => p.Name == name);
                if (property.Value is null)
                {
                    InsertProperty(target, name, value!.DeepClone());
                }
                else if (name == "assets" && value is JsonArray refs && property.Value.Kind == JsonTokenType.StartArray)
                {
                    foreach (JsonNode? r in refs)
                    {
                        UpsertItem(target, "assets", (JsonObject)r!, AssetKey);
                    }
                }
                else if (value is JsonObject obj && property.Value.Kind == JsonTokenType.StartObject && !replaceChildren)
                {
                    // Under "metadata" each section (checkpoint, verification) is rewritten whole, so no stale keys survive.
                    Merge(property.Value, obj, replaceChildren: name == "metadata");
                }
                else if (!JsonNode.DeepEquals(ParsedOf(property.Value), value))
                {
                    Replace(property.Value, value!.DeepClone());
                }
            }
        }

        private void Replace(Node node, JsonNode value)
        {
            bool multiLine = Array.IndexOf(_text, (byte)'\n', node.Start, node.End - node.Start) >= 0;
            _edits.Add((node.Start, node.End, Serialize(value, Indentation(node.Start), indented: multiLine || IsMultiLineContext(node))));
        }

        private void InsertProperty(Node obj, string name, JsonNode value)
        {
            string nameJson = JsonSerializer.Serialize(name, SerializerOptions(indented: false));
            (int, int)? last = obj.Properties.Count == 0 ? null : (obj.Properties[^1].NameStart, obj.Properties[^1].Value.End);
            InsertEntry(obj, last, indent => $"{nameJson}: {Serialize(value, indent, true)}", $"{nameJson}: {Serialize(value, "", false)}");
        }

        private void Append(Node array, JsonNode item)
        {
            (int, int)? last = array.Items.Count == 0 ? null : (array.Items[^1].Start, array.Items[^1].End);
            InsertEntry(array, last, indent => Serialize(item, indent, true), Serialize(item, "", false));
        }

        /// <summary>
        /// Adds an entry to an object or array after its last entry (<paramref name="last"/>: where that entry's line
        /// starts and where it ends), matching the container's layout: one line, one entry per line, or empty.
        /// </summary>
        private void InsertEntry(Node container, (int Start, int End)? last, Func<string, string> indented, string compact)
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

        private bool IsMultiLineContext(Node node) => !OnSameLine(Root.Start, node.Start) && node.Kind is JsonTokenType.StartObject or JsonTokenType.StartArray;

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
        private string Serialize(JsonNode value, string indent, bool indented)
        {
            string json = value.ToJsonString(SerializerOptions(indented));
            return indented ? json.Replace(_newLine, _newLine + indent, StringComparison.Ordinal) : json;
        }

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
    }
}
