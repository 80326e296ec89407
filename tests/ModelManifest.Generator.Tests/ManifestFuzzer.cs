using System.Text;

namespace ModelManifest.Generator.Tests;

/// <summary>
/// A deterministic (seeded) manifest mutator: truncation, byte flips, deletions, hostile insertions, wrong-typed and
/// out-of-range values, schema version changes, duplicated and swapped lines, deep nesting.
/// </summary>
internal sealed class ManifestFuzzer(int seed)
{
    private static readonly string[] Tokens =
    {
        "{", "}", "[", "]", ",", ":", "\"", "null", "true", "-1", "0.5", "1e400", "99999999999999999999", "\"\"", "\"xyz\"",
        "\"../etc/passwd\"", "\"CON\"", "\"\\u0000\"", "\"\u2028\"", "\"é\"", "//c\n", "/*", "\"id\": \"dup\"", "\"-bad id\"",
        "\"ftp://x\"", "{ \"id\": \"ghost\" }", "\"version\": \"1.0\"", "\\", "\u0085", "\ud800",
    };

    private static readonly string[] Versions = { "\"2.0\"", "\"1.9\"", "\"1\"", "\"x.y\"", "1.1", "\"1.0\"", "\"01.1\"" };

    private readonly Random _random = new(seed);

    public byte[] Mutate(string seedText)
    {
        string text = seedText;
        int count = 1 + _random.Next(3);
        byte[]? bytes = null;
        for (int i = 0; i < count; i++)
        {
            int kind = _random.Next(11);
            if (kind == 0 && text.Length > 0)
            {
                text = text.Substring(0, _random.Next(text.Length));
            }
            else if (kind == 1)
            {
                bytes = Encoding.UTF8.GetBytes(text);
                if (bytes.Length > 0)
                {
                    bytes[_random.Next(bytes.Length)] ^= (byte)(1 << _random.Next(8));
                }

                return bytes;
            }
            else if (kind == 2 && text.Length > 0)
            {
                int at = _random.Next(text.Length);
                text = text.Remove(at, Math.Min(text.Length - at, 1 + _random.Next(10)));
            }
            else if (kind == 3)
            {
                text = text.Insert(_random.Next(text.Length + 1), Tokens[_random.Next(Tokens.Length)]);
            }
            else if (kind == 4)
            {
                text = ReplaceNth(text, "\"", Tokens[_random.Next(Tokens.Length)], valueOnly: true);
            }
            else if (kind == 5)
            {
                var lines = text.Split('\n').ToList();
                int at = _random.Next(lines.Count);
                lines.Insert(at, lines[at]);
                text = string.Join('\n', lines);
            }
            else if (kind == 6)
            {
                int at = text.IndexOf("\"schemaVersion\": ", StringComparison.Ordinal);
                if (at >= 0)
                {
                    int start = at + "\"schemaVersion\": ".Length;
                    int end = text.IndexOf(',', start);
                    if (end > start)
                    {
                        text = text.Substring(0, start) + Versions[_random.Next(Versions.Length)] + text.Substring(end);
                    }
                }
            }
            else if (kind == 7)
            {
                string[] numbers = { "-1", "0", "1.5", "1e400", "99999999999999999999", "\"7\"", "-0" };
                text = ReplaceNumber(text, numbers[_random.Next(numbers.Length)]);
            }
            else if (kind == 8)
            {
                var lines = text.Split('\n');
                if (lines.Length > 2)
                {
                    int a = _random.Next(lines.Length);
                    int b = _random.Next(lines.Length);
                    (lines[a], lines[b]) = (lines[b], lines[a]);
                    text = string.Join('\n', lines);
                }
            }
            else if (kind == 9)
            {
                int depth = _random.Next(2) == 0 ? 20 : 200;
                text = ReplaceNth(text, "\"", new string('[', depth) + "1" + new string(']', depth), valueOnly: true);
            }
            else
            {
                text = text.Replace("\"role\": \"", "\"role\": \"x", StringComparison.Ordinal);
            }
        }

        return Encoding.UTF8.GetBytes(text);
    }

    /// <summary>Replaces a random string value (after a ':') with <paramref name="replacement"/>.</summary>
    private string ReplaceNth(string text, string quote, string replacement, bool valueOnly)
    {
        var starts = new List<int>();
        for (int i = text.IndexOf(": " + quote, StringComparison.Ordinal); i >= 0; i = text.IndexOf(": " + quote, i + 1, StringComparison.Ordinal))
        {
            starts.Add(i + 2);
        }

        if (starts.Count == 0 || !valueOnly)
        {
            return text;
        }

        int start = starts[_random.Next(starts.Count)];
        int end = text.IndexOf('"', start + 1);
        return end < 0 ? text : text.Substring(0, start) + replacement + text.Substring(end + 1);
    }

    private string ReplaceNumber(string text, string replacement)
    {
        var starts = new List<int>();
        for (int i = 0; i + 2 < text.Length; i++)
        {
            if (text[i] == ':' && text[i + 1] == ' ' && (char.IsDigit(text[i + 2]) || text[i + 2] == '-'))
            {
                starts.Add(i + 2);
            }
        }

        if (starts.Count == 0)
        {
            return text;
        }

        int start = starts[_random.Next(starts.Count)];
        int end = start;
        while (end < text.Length && (char.IsDigit(text[end]) || text[end] is '-' or '.' or 'e' or 'E' or '+'))
        {
            end++;
        }

        return text.Substring(0, start) + replacement + text.Substring(end);
    }
}
