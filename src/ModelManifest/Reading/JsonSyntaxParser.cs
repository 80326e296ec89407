using System;
using System.Collections.Generic;
using System.Text;

namespace ModelManifest.Reading;

/// <summary>The outcome of parsing JSON text: a root value (unless the text is unusable) and diagnostics.</summary>
internal sealed class JsonParseResult
{
    internal JsonParseResult(JsonSyntaxNode? root, IReadOnlyList<ManifestDiagnostic> diagnostics, SourceLineMap lines)
    {
        Root = root;
        Diagnostics = diagnostics;
        Lines = lines;
    }

    /// <summary>The root value, or <see langword="null"/> when a syntax error stopped the parse.</summary>
    public JsonSyntaxNode? Root { get; }

    /// <summary>Syntax diagnostics (at most one fatal error, plus any duplicate-property errors).</summary>
    public IReadOnlyList<ManifestDiagnostic> Diagnostics { get; }

    /// <summary>Line map of the parsed text.</summary>
    public SourceLineMap Lines { get; }
}

/// <summary>
/// A JSON parser that keeps source spans, written without package dependencies so the same code runs in the
/// runtime library, the CLI and the compiler-hosted generator (netstandard2.0). Accepts // and /* */ comments
/// and trailing commas, as appsettings.json does. Never throws on any input: problems become diagnostics.
/// </summary>
internal sealed class JsonSyntaxParser
{
    /// <summary>Deepest nesting accepted. Real manifests nest about 6 levels; the bound keeps the recursion safe.</summary>
    public const int MaxDepth = 128;

    private readonly string _text;
    private readonly string? _path;
    private readonly SourceLineMap _lines;
    private readonly List<ManifestDiagnostic> _diagnostics = new();
    private readonly StringBuilder _scratch = new();
    private readonly string?[] _names = new string?[256];
    private int _pos;

    private JsonSyntaxParser(string text, string? path)
    {
        _text = text;
        _path = path;
        _lines = new SourceLineMap(text);
    }

    /// <summary>Parses <paramref name="text"/>; <paramref name="path"/> only labels diagnostics.</summary>
    public static JsonParseResult Parse(string text, string? path = null)
    {
        var parser = new JsonSyntaxParser(text ?? string.Empty, path);
        JsonSyntaxNode? root = parser.ParseDocument();
        return new JsonParseResult(root, parser._diagnostics, parser._lines);
    }

    private JsonSyntaxNode? ParseDocument()
    {
        try
        {
            if (_text.Length > 0 && _text[0] == '\uFEFF')
            {
                _pos = 1;
            }

            SkipTrivia();
            if (_pos >= _text.Length)
            {
                Report(ManifestDiagnosticDescriptors.EmptyManifest, new SourceSpan(0, 0));
                return null;
            }

            JsonSyntaxNode root = ParseValue(0);
            SkipTrivia();
            if (_pos < _text.Length)
            {
                throw Error("unexpected " + Describe(_pos) + " after the end of the JSON value", _pos, 1);
            }

            return root;
        }
        catch (JsonSyntaxException e)
        {
            _diagnostics.Add(e.Diagnostic);
            return null;
        }
    }

    private JsonSyntaxNode ParseValue(int depth)
    {
        if (_pos >= _text.Length)
        {
            throw Error("unexpected end of file; expected a value", _pos, 0);
        }

        char c = _text[_pos];
        switch (c)
        {
            case '{':
                return ParseObject(depth + 1);
            case '[':
                return ParseArray(depth + 1);
            case '"':
                int start = _pos;
                string value = ParseString();
                return new JsonStringSyntax(new SourceSpan(start, _pos - start), value);
            case 't':
                return ParseLiteral("true", JsonSyntaxKind.Boolean, true);
            case 'f':
                return ParseLiteral("false", JsonSyntaxKind.Boolean, false);
            case 'n':
                return ParseLiteral("null", JsonSyntaxKind.Null, false);
            default:
                if (c == '-' || (c >= '0' && c <= '9'))
                {
                    return ParseNumber();
                }

                throw Error("unexpected " + Describe(_pos) + "; expected a value", _pos, 1);
        }
    }

    private JsonObjectSyntax ParseObject(int depth)
    {
        int start = _pos;
        CheckDepth(depth, start);
        _pos++; // {
        var properties = new List<JsonPropertySyntax>();
        HashSet<string>? seen = null; // only allocated for objects large enough for a linear scan to cost
        SkipTrivia();
        if (TryConsume('}'))
        {
            return new JsonObjectSyntax(new SourceSpan(start, _pos - start), properties);
        }

        while (true)
        {
            SkipTrivia();
            if (_pos >= _text.Length || _text[_pos] != '"')
            {
                throw Error(_pos >= _text.Length ? "unexpected end of file inside an object; expected a property name or '}'" : "expected a property name in double quotes, found " + Describe(_pos), _pos, 1);
            }

            int nameStart = _pos;
            string name = ParsePropertyName();
            var nameSpan = new SourceSpan(nameStart, _pos - nameStart);
            SkipTrivia();
            if (!TryConsume(':'))
            {
                throw Error("expected ':' after property name \"" + Truncate(name) + "\", found " + Describe(_pos), _pos, 1);
            }

            SkipTrivia();
            JsonSyntaxNode value = ParseValue(depth);
            var property = new JsonPropertySyntax(name, nameSpan, value);
            if (IsDuplicate(properties, ref seen, name) is JsonPropertySyntax first)
            {
                Report(ManifestDiagnosticDescriptors.DuplicateProperty, nameSpan, Truncate(name), _lines.GetPosition(first.NameSpan.Start).Line + 1);
            }

            properties.Add(property);
            SkipTrivia();
            if (TryConsume(','))
            {
                SkipTrivia();
                if (TryConsume('}'))
                {
                    break; // trailing comma
                }

                continue;
            }

            if (TryConsume('}'))
            {
                break;
            }

            throw Error(_pos >= _text.Length ? "unexpected end of file; expected ',' or '}' to continue the object opened at line " + (_lines.GetPosition(start).Line + 1) : "expected ',' or '}' after the value of \"" + Truncate(name) + "\", found " + Describe(_pos), _pos, 1);
        }

        return new JsonObjectSyntax(new SourceSpan(start, _pos - start), properties);
    }

    private static JsonPropertySyntax? IsDuplicate(List<JsonPropertySyntax> properties, ref HashSet<string>? seen, string name)
    {
        if (properties.Count < 16)
        {
            foreach (var p in properties)
            {
                if (string.Equals(p.Name, name, StringComparison.Ordinal))
                {
                    return p;
                }
            }

            return null;
        }

        if (seen is null)
        {
            seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var p in properties)
            {
                seen.Add(p.Name);
            }
        }

        if (seen.Add(name))
        {
            return null;
        }

        foreach (var p in properties)
        {
            if (string.Equals(p.Name, name, StringComparison.Ordinal))
            {
                return p;
            }
        }

        return null;
    }

    /// <summary>
    /// Property names repeat thousands of times in a large manifest ("id", "version", ...): unescaped names are
    /// shared through a small hash table instead of allocating a string per occurrence.
    /// </summary>
    private string ParsePropertyName()
    {
        int start = _pos + 1;
        int end = start;
        int hash = 17;
        while (end < _text.Length)
        {
            char c = _text[end];
            if (c == '"' || c == '\\' || c < 0x20 || char.IsSurrogate(c))
            {
                break;
            }

            hash = unchecked(hash * 31 + c);
            end++;
        }

        if (end >= _text.Length || _text[end] != '"' || end - start > 64)
        {
            return ParseString(); // escapes, errors and long names take the general path
        }

        int length = end - start;
        int slot = hash & (_names.Length - 1);
        string? cached = _names[slot];
        _pos = end + 1;
        if (cached is not null && cached.Length == length && string.CompareOrdinal(cached, 0, _text, start, length) == 0)
        {
            return cached;
        }

        return _names[slot] = _text.Substring(start, length);
    }

    private JsonArraySyntax ParseArray(int depth)
    {
        int start = _pos;
        CheckDepth(depth, start);
        _pos++; // [
        var items = new List<JsonSyntaxNode>();
        SkipTrivia();
        if (TryConsume(']'))
        {
            return new JsonArraySyntax(new SourceSpan(start, _pos - start), items);
        }

        while (true)
        {
            SkipTrivia();
            items.Add(ParseValue(depth));
            SkipTrivia();
            if (TryConsume(','))
            {
                SkipTrivia();
                if (TryConsume(']'))
                {
                    break; // trailing comma
                }

                continue;
            }

            if (TryConsume(']'))
            {
                break;
            }

            throw Error(_pos >= _text.Length ? "unexpected end of file; expected ',' or ']' to continue the array opened at line " + (_lines.GetPosition(start).Line + 1) : "expected ',' or ']' in array, found " + Describe(_pos), _pos, 1);
        }

        return new JsonArraySyntax(new SourceSpan(start, _pos - start), items);
    }

    private string ParseString()
    {
        int start = _pos;
        _pos++; // opening quote
        int runStart = _pos;
        _scratch.Clear();
        bool escaped = false;
        while (true)
        {
            if (_pos >= _text.Length)
            {
                throw Error("unterminated string; add the closing '\"'", start, 1);
            }

            char c = _text[_pos];
            if (c == '"')
            {
                string result;
                if (escaped)
                {
                    _scratch.Append(_text, runStart, _pos - runStart);
                    result = _scratch.ToString();
                }
                else
                {
                    result = _text.Substring(runStart, _pos - runStart);
                }

                _pos++;
                return result;
            }

            if (c < 0x20)
            {
                throw Error("control character U+" + ((int)c).ToString("X4", System.Globalization.CultureInfo.InvariantCulture) + " inside a string; escape it (for example \\n)", _pos, 1);
            }

            if (c != '\\')
            {
                if (char.IsSurrogate(c))
                {
                    RequireSurrogatePair(c, _pos, _pos + 1 < _text.Length ? _text[_pos + 1] : '\0', 1);
                    _pos++; // the low half follows and is a plain character
                }

                _pos++;
                continue;
            }

            escaped = true;
            _scratch.Append(_text, runStart, _pos - runStart);
            int escapeStart = _pos;
            _pos++;
            if (_pos >= _text.Length)
            {
                throw Error("unterminated string; add the closing '\"'", start, 1);
            }

            char e = _text[_pos++];
            switch (e)
            {
                case '"': _scratch.Append('"'); break;
                case '\\': _scratch.Append('\\'); break;
                case '/': _scratch.Append('/'); break;
                case 'b': _scratch.Append('\b'); break;
                case 'f': _scratch.Append('\f'); break;
                case 'n': _scratch.Append('\n'); break;
                case 'r': _scratch.Append('\r'); break;
                case 't': _scratch.Append('\t'); break;
                case 'u':
                    int code = 0;
                    for (int i = 0; i < 4; i++)
                    {
                        int digit = _pos < _text.Length ? HexValue(_text[_pos]) : -1;
                        if (digit < 0)
                        {
                            throw Error("invalid \\u escape; expected four hexadecimal digits", escapeStart, Math.Min(6, _text.Length - escapeStart));
                        }

                        code = (code << 4) | digit;
                        _pos++;
                    }

                    if (char.IsSurrogate((char)code))
                    {
                        RequireSurrogatePair((char)code, escapeStart, PeekEscapedChar(_pos), 6);
                        _scratch.Append((char)code);
                        code = PeekEscapedChar(_pos);
                        _pos += 6;
                    }

                    _scratch.Append((char)code);
                    break;
                default:
                    throw Error("invalid escape sequence '\\" + e + "'", escapeStart, 2);
            }

            runStart = _pos;
        }
    }

    private JsonNumberSyntax ParseNumber()
    {
        int start = _pos;
        bool isInteger = true;
        if (_text[_pos] == '-')
        {
            _pos++;
        }

        if (_pos < _text.Length && _text[_pos] == '0')
        {
            _pos++;
        }
        else if (_pos < _text.Length && _text[_pos] >= '1' && _text[_pos] <= '9')
        {
            SkipDigits();
        }
        else
        {
            throw Error("invalid number; expected a digit", start, Math.Max(1, _pos - start));
        }

        if (_pos < _text.Length && _text[_pos] == '.')
        {
            isInteger = false;
            _pos++;
            if (SkipDigits() == 0)
            {
                throw Error("invalid number; expected a digit after '.'", start, _pos - start);
            }
        }

        if (_pos < _text.Length && (_text[_pos] == 'e' || _text[_pos] == 'E'))
        {
            isInteger = false;
            _pos++;
            if (_pos < _text.Length && (_text[_pos] == '+' || _text[_pos] == '-'))
            {
                _pos++;
            }

            if (SkipDigits() == 0)
            {
                throw Error("invalid number; expected a digit in the exponent", start, _pos - start);
            }
        }

        if (_pos < _text.Length && (char.IsLetterOrDigit(_text[_pos]) || _text[_pos] == '.'))
        {
            throw Error("invalid number '" + Truncate(_text.Substring(start, Math.Min(40, _text.Length - start))) + "'", start, _pos - start + 1);
        }

        return new JsonNumberSyntax(new SourceSpan(start, _pos - start), _text.Substring(start, _pos - start), isInteger);
    }

    private int SkipDigits()
    {
        int n = 0;
        while (_pos < _text.Length && _text[_pos] >= '0' && _text[_pos] <= '9')
        {
            _pos++;
            n++;
        }

        return n;
    }

    private JsonLiteralSyntax ParseLiteral(string word, JsonSyntaxKind kind, bool value)
    {
        int start = _pos;
        if (string.CompareOrdinal(_text, _pos, word, 0, word.Length) != 0
            || (_pos + word.Length < _text.Length && char.IsLetterOrDigit(_text[_pos + word.Length])))
        {
            int end = _pos;
            while (end < _text.Length && end - _pos < 40 && char.IsLetterOrDigit(_text[end]))
            {
                end++;
            }

            throw Error("unexpected '" + _text.Substring(_pos, Math.Max(1, end - _pos)) + "'; expected a value (strings need double quotes)", start, Math.Max(1, end - _pos));
        }

        _pos += word.Length;
        return new JsonLiteralSyntax(new SourceSpan(start, word.Length), kind, value);
    }

    private void SkipTrivia()
    {
        while (_pos < _text.Length)
        {
            char c = _text[_pos];
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
            {
                _pos++;
            }
            else if (c == '/' && _pos + 1 < _text.Length && _text[_pos + 1] == '/')
            {
                while (_pos < _text.Length && _text[_pos] != '\n' && _text[_pos] != '\r')
                {
                    _pos++;
                }
            }
            else if (c == '/' && _pos + 1 < _text.Length && _text[_pos + 1] == '*')
            {
                int start = _pos;
                int end = _text.IndexOf("*/", _pos + 2, StringComparison.Ordinal);
                if (end < 0)
                {
                    throw Error("unterminated /* comment", start, 2);
                }

                _pos = end + 2;
            }
            else
            {
                return;
            }
        }
    }

    private bool TryConsume(char c)
    {
        if (_pos < _text.Length && _text[_pos] == c)
        {
            _pos++;
            return true;
        }

        return false;
    }

    private void CheckDepth(int depth, int at)
    {
        if (depth > MaxDepth)
        {
            throw new JsonSyntaxException(ManifestDiagnostic.Create(ManifestDiagnosticDescriptors.NestingTooDeep, _path, _lines, new SourceSpan(at, 1), MaxDepth));
        }
    }

    private static int HexValue(char c)
        => c >= '0' && c <= '9' ? c - '0'
        : c >= 'a' && c <= 'f' ? c - 'a' + 10
        : c >= 'A' && c <= 'F' ? c - 'A' + 10
        : -1;

    private string Describe(int at)
    {
        if (at >= _text.Length)
        {
            return "end of file";
        }

        char c = _text[at];
        return c < 0x20 || c == '\uFFFD' || char.IsSurrogate(c)
            ? "character U+" + ((int)c).ToString("X4", System.Globalization.CultureInfo.InvariantCulture)
            : "'" + c + "'";
    }

    private static string Truncate(string s) => s.Length <= 60 ? s : s.Substring(0, 57) + "...";

    private void Report(ManifestDiagnosticDescriptor descriptor, SourceSpan span, params object?[] args)
        => _diagnostics.Add(ManifestDiagnostic.Create(descriptor, _path, _lines, span, args));

    /// <summary>
    /// A UTF-16 surrogate is only half a character: a high one (U+D800–U+DBFF) must be followed by a low one
    /// (U+DC00–U+DFFF). A lone half cannot be written as UTF-8, so no reader downstream could take it.
    /// </summary>
    private void RequireSurrogatePair(char first, int at, char next, int length)
    {
        if (!char.IsHighSurrogate(first) || !char.IsLowSurrogate(next))
        {
            string code = ((int)first).ToString("X4", System.Globalization.CultureInfo.InvariantCulture);
            throw Error("lone surrogate U+" + code + " in a string: a " + (char.IsHighSurrogate(first) ? "high" : "low")
                + " surrogate is half of a character and must be paired (\\uD800-\\uDBFF followed by \\uDC00-\\uDFFF); write the character itself or its full pair", at, length);
        }
    }

    /// <summary>The character a <c>\uXXXX</c> escape at <paramref name="at"/> stands for, or U+0000 when none is there.</summary>
    private char PeekEscapedChar(int at)
    {
        if (at + 6 > _text.Length || _text[at] != '\\' || _text[at + 1] != 'u')
        {
            return '\0';
        }

        int code = 0;
        for (int i = at + 2; i < at + 6; i++)
        {
            int digit = HexValue(_text[i]);
            if (digit < 0)
            {
                return '\0';
            }

            code = (code << 4) | digit;
        }

        return (char)code;
    }

    private JsonSyntaxException Error(string message, int at, int length)
    {
        at = Math.Min(at, _text.Length);
        length = Math.Max(0, Math.Min(length, _text.Length - at));
        return new JsonSyntaxException(ManifestDiagnostic.Create(ManifestDiagnosticDescriptors.InvalidJson, _path, _lines, new SourceSpan(at, length), message));
    }

    /// <summary>Unwinds the recursive descent to <see cref="ParseDocument"/>; never escapes the parser.</summary>
    private sealed class JsonSyntaxException : Exception
    {
        public JsonSyntaxException(ManifestDiagnostic diagnostic)
            : base(diagnostic.Message) => Diagnostic = diagnostic;

        public ManifestDiagnostic Diagnostic { get; }
    }
}
