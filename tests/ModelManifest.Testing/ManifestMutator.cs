using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ModelManifest.Testing;

/// <summary>
/// Deterministic (seeded) mutations of manifest text for differential and fuzz tests.
/// <see cref="MutateStructure"/> keeps the text valid JSON and changes its shape and values (what a schema judges);
/// <see cref="MutateBytes"/> produces anything at all (truncation, flipped bytes, hostile nesting and sizes).
/// </summary>
public sealed class ManifestMutator
{
    private static readonly string[] s_strings =
    {
        "", "x", "1.0", "1.2", "2.0", "1.0.0", "01.0.0", "1.0.0-rc.1", "v1", "../evil", "a/b", "C:\\x", "CON", "nul.txt",
        "onnx", "gguf", "other", "unknown", "compatible", "incompatible", "stable", "undefined", "integer", "number",
        "ZZ", "llama3:8b", "-leading", "tag with space", "\u00e9t\u00e9", "\ud83d\ude00", "https://example.org/a.bin", "ftp://x",
        "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
        "0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF",
        new string('a', 64), new string('q', 300),
    };

    private static readonly string[] s_names =
    {
        "id", "version", "tag", "fileName", "size", "sha256", "format", "urls", "assets", "models", "options", "default",
        "minimum", "maximum", "stage", "schemaVersion", "metadata", "compatibility", "accelerators", "unknownField", "x-extra",
    };

    private readonly Random _random;

    /// <summary>Creates a mutator with a fixed seed.</summary>
    public ManifestMutator(int seed) => _random = new Random(seed);

    /// <summary>Applies 1–3 shape/value mutations; the result is valid JSON without duplicate keys.</summary>
    public string MutateStructure(string json)
    {
        JsonNode root = JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true })!;
        int count = 1 + _random.Next(3);
        for (int i = 0; i < count; i++)
        {
            var nodes = new List<JsonNode>();
            Collect(root, nodes);
            JsonNode target = nodes[_random.Next(nodes.Count)];
            MutateNode(ref root, target);
        }

        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    /// <summary>Produces arbitrary bytes derived from <paramref name="json"/>: any of the byte-level attacks.</summary>
    public byte[] MutateBytes(string json)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(json);
        switch (_random.Next(12))
        {
            case 0: // truncate
                return bytes[.._random.Next(bytes.Length + 1)];
            case 1: // flip bytes
                byte[] flipped = (byte[])bytes.Clone();
                for (int i = 0, n = 1 + _random.Next(8); i < n && flipped.Length > 0; i++)
                {
                    flipped[_random.Next(flipped.Length)] ^= (byte)(1 << _random.Next(8));
                }

                return flipped;
            case 2: // random bytes inserted
                int at = _random.Next(bytes.Length + 1);
                byte[] noise = new byte[1 + _random.Next(16)];
                _random.NextBytes(noise);
                return [.. bytes[..at], .. noise, .. bytes[at..]];
            case 3: // deep nesting
                int depth = _random.Next(2) == 0 ? 10_000 : 100 + _random.Next(200);
                string open = _random.Next(2) == 0 ? "[" : "{\"a\":";
                string close = open == "[" ? "]" : "}";
                return Encoding.UTF8.GetBytes("{\"schemaVersion\":\"1.1\",\"metadata\":" + Repeat(open, depth) + "1" + Repeat(close, depth) + "}");
            case 4: // invalid UTF-8
                byte[] bad = (byte[])bytes.Clone();
                if (bad.Length > 0)
                {
                    bad[_random.Next(bad.Length)] = (byte)(0x80 + _random.Next(0x40) + (_random.Next(2) * 0x40));
                }

                return bad;
            case 5: // BOM + text, or empty/whitespace
                return _random.Next(3) switch
                {
                    0 => [0xEF, 0xBB, 0xBF, .. bytes],
                    1 => [],
                    _ => Encoding.UTF8.GetBytes("   \n\t "),
                };
            case 6: // duplicate keys
                return Encoding.UTF8.GetBytes(json.Replace("\"schemaVersion\"", "\"schemaVersion\": \"1.1\", \"schemaVersion\"", StringComparison.Ordinal));
            case 7: // numbers out of range
                return Encoding.UTF8.GetBytes(ReplaceFirstNumber(json, _random.Next(3) switch { 0 => "1e999", 1 => "-99999999999999999999999999", _ => "123456789012345678901234567890" }));
            case 8: // comments and trailing commas
                return Encoding.UTF8.GetBytes("// manifest\n" + json.Replace("\n}", ",\n/* end */}", StringComparison.Ordinal));
            case 9: // control characters and lone quotes
                int pos = _random.Next(json.Length + 1);
                return Encoding.UTF8.GetBytes(json[..pos] + (char)_random.Next(0, 32) + "\"" + json[pos..]);
            case 10: // structural mutation (valid JSON)
                return Encoding.UTF8.GetBytes(MutateStructure(json));
            default: // wrong root types
                return Encoding.UTF8.GetBytes(_random.Next(4) switch { 0 => "[]", 1 => "\"text\"", 2 => "null", _ => "42" });
        }
    }

    /// <summary>A manifest whose one string is 50 MB long (checks bounded work on huge values).</summary>
    public static string WithHugeString(string json, int length = 50 * 1024 * 1024)
        => json.Replace("\"schemaVersion\"", "\"huge\": \"" + new string('x', length) + "\", \"schemaVersion\"", StringComparison.Ordinal);

    private void MutateNode(ref JsonNode root, JsonNode target)
    {
        switch (_random.Next(9))
        {
            case 0 when target.Parent is JsonObject parentObject: // remove a property
                parentObject.Remove(target.GetPropertyName());
                return;
            case 1 when target.Parent is JsonArray parentArray && parentArray.Count > 0: // drop an item
                parentArray.Remove(target);
                return;
            case 2 when target is JsonObject obj: // add a property (maybe unknown, maybe known with a junk value)
                string name = s_names[_random.Next(s_names.Length)];
                if (!obj.ContainsKey(name))
                {
                    obj[name] = RandomValue();
                }

                return;
            case 3 when target is JsonArray array && array.Count > 0: // duplicate an item
                array.Add(array[_random.Next(array.Count)]!.DeepClone());
                return;
            case 4 when target is JsonValue: // a string from the pool
                Replace(ref root, target, JsonValue.Create(s_strings[_random.Next(s_strings.Length)]));
                return;
            case 5 when target is JsonValue: // a number
                Replace(ref root, target, RandomNumber());
                return;
            case 6: // schemaVersion games
                if (root is JsonObject r)
                {
                    r["schemaVersion"] = _random.Next(6) switch { 0 => "1.0", 1 => "1.2", 2 => "2.0", 3 => "x", 4 => (JsonNode?)JsonValue.Create(1.1), _ => "1.1" };
                }

                return;
            default: // any value of another type
                Replace(ref root, target, RandomValue());
                return;
        }
    }

    private static void Replace(ref JsonNode root, JsonNode target, JsonNode? replacement)
    {
        switch (target.Parent)
        {
            case JsonObject parent:
                parent[target.GetPropertyName()] = replacement;
                break;
            case JsonArray parent:
                parent[target.GetElementIndex()] = replacement;
                break;
            default:
                root = replacement ?? JsonValue.Create(0);
                break;
        }
    }

    private JsonNode? RandomValue() => _random.Next(8) switch
    {
        0 => null,
        1 => JsonValue.Create(_random.Next(2) == 0),
        2 => RandomNumber(),
        3 => new JsonObject(),
        4 => new JsonArray(),
        5 => new JsonArray(JsonValue.Create(s_strings[_random.Next(s_strings.Length)])),
        6 => new JsonObject { ["id"] = s_strings[_random.Next(s_strings.Length)] },
        _ => JsonValue.Create(s_strings[_random.Next(s_strings.Length)]),
    };

    private JsonNode RandomNumber() => _random.Next(6) switch
    {
        0 => JsonValue.Create(-_random.Next(1000)),
        1 => JsonValue.Create(_random.NextDouble() * 100),
        2 => JsonValue.Create(0),
        3 => JsonValue.Create((long)_random.Next() * _random.Next()),
        4 => JsonValue.Create(1.5),
        _ => JsonValue.Create(_random.Next(100)),
    };

    private static void Collect(JsonNode node, List<JsonNode> nodes)
    {
        nodes.Add(node);
        switch (node)
        {
            case JsonObject o:
                foreach (var p in o)
                {
                    if (p.Value is not null)
                    {
                        Collect(p.Value, nodes);
                    }
                }

                break;
            case JsonArray a:
                foreach (var item in a)
                {
                    if (item is not null)
                    {
                        Collect(item, nodes);
                    }
                }

                break;
        }
    }

    private static string Repeat(string s, int n) => new StringBuilder(s.Length * n).Insert(0, s, n).ToString();

    private static string ReplaceFirstNumber(string json, string replacement)
    {
        int i = json.IndexOf("\"size\": ", StringComparison.Ordinal);
        if (i < 0)
        {
            return json;
        }

        int start = i + 8;
        int end = start;
        while (end < json.Length && char.IsDigit(json[end]))
        {
            end++;
        }

        return json[..start] + replacement + json[end..];
    }
}
