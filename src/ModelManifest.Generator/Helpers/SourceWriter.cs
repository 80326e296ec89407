using System;
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

    /// <summary>Writes <c>/// &lt;summary&gt;</c> with the text escaped and split into lines.</summary>
    public void Summary(string? text, string? remarks = null)
    {
        if (string.IsNullOrEmpty(text) && string.IsNullOrEmpty(remarks))
        {
            return;
        }

        var lines = new System.Collections.Generic.List<string>(CSharp.XmlDocLines(text ?? string.Empty));
        if (lines.Count == 1)
        {
            Line("/// <summary>" + lines[0] + "</summary>");
        }
        else
        {
            Line("/// <summary>");
            foreach (string line in lines)
            {
                Line("/// " + line);
            }

            Line("/// </summary>");
        }

        if (!string.IsNullOrEmpty(remarks))
        {
            var remarkLines = new System.Collections.Generic.List<string>(CSharp.XmlDocLines(remarks!));
            if (remarkLines.Count == 1)
            {
                Line("/// <remarks>" + remarkLines[0] + "</remarks>");
                return;
            }

            Line("/// <remarks>");
            foreach (string line in remarkLines)
            {
                Line("/// " + line);
            }

            Line("/// </remarks>");
        }
    }

    public override string ToString() => _builder.ToString();

    public static string Join(string separator, System.Collections.Generic.IEnumerable<string> parts) => string.Join(separator, parts);

    internal static string Trim(string s) => s.Trim(Array.Empty<char>());
}
