using System;
using System.Collections.Generic;
using System.Text;

namespace ModelManifest.Generator.Helpers;

/// <summary>Writes C# with indentation; every emitted line goes through here.</summary>
internal sealed class SourceWriter
{
    private readonly StringBuilder _builder = new();
    private int _indent;

    public void Line(string text = "")
    {
        if (text.Length > 0)
        {
            _builder.Append(' ', _indent * 4);
            _builder.Append(text);
        }

        _builder.Append('\n');
    }

    public void Open(string text)
    {
        Line(text);
        Line("{");
        _indent++;
    }

    public void Close(string suffix = "")
    {
        _indent--;
        Line("}" + suffix);
    }

    /// <summary>Writes <c>/// &lt;summary&gt;</c> (and <c>&lt;remarks&gt;</c>) with the text escaped and split into lines.</summary>
    public void Summary(string? text, string? remarks = null)
    {
        if (string.IsNullOrEmpty(text) && string.IsNullOrEmpty(remarks))
        {
            return;
        }

        DocElement("summary", text ?? string.Empty);
        if (!string.IsNullOrEmpty(remarks))
        {
            DocElement("remarks", remarks!);
        }
    }

    private void DocElement(string tag, string text)
    {
        List<string> lines = XmlDocLines(text);
        if (lines.Count == 1)
        {
            Line("/// <" + tag + ">" + lines[0] + "</" + tag + ">");
            return;
        }

        Line("/// <" + tag + ">");
        foreach (string line in lines)
        {
            Line("/// " + line);
        }

        Line("/// </" + tag + ">");
    }

    /// <summary>
    /// Text for XML documentation: escaped, characters XML forbids removed, and split at every character C# treats
    /// as a line break, so a manifest's text can never end a <c>///</c> comment early.
    /// </summary>
    private static List<string> XmlDocLines(string text)
    {
        var line = new StringBuilder();
        var lines = new List<string>();
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c == '\n' || c == '\r' || c == '\u0085' || c == '\u2028' || c == '\u2029')
            {
                if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
                {
                    i++;
                }

                lines.Add(line.ToString());
                line.Clear();
                continue;
            }

            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                line.Append(c).Append(text[++i]);
                continue;
            }

            switch (c)
            {
                case '&': line.Append("&amp;"); break;
                case '<': line.Append("&lt;"); break;
                case '>': line.Append("&gt;"); break;
                default:
                    bool allowed = c == '\t' || (c >= 0x20 && c != 0x7F && !(c >= 0x80 && c <= 0x9F) && !char.IsSurrogate(c) && c != '\uFFFE' && c != '\uFFFF' && c != '\uFEFF');
                    if (allowed)
                    {
                        line.Append(c);
                    }

                    break;
            }
        }

        lines.Add(line.ToString());
        var result = new List<string>(lines.Count);
        foreach (string l in lines)
        {
            result.Add(l.TrimEnd());
        }

        return result;
    }

    public override string ToString() => _builder.ToString();

    public static string Join(string separator, IEnumerable<string> parts) => string.Join(separator, parts);

    internal static string Trim(string s) => s.Trim(Array.Empty<char>());
}
