using System;
using System.Collections.Generic;

namespace ModelManifest.Reading;

/// <summary>
/// Maps character offsets of a text to line/column positions. Lines end where Roslyn's end them (\n, \r\n, \r,
/// U+0085, U+2028, U+2029), so the CLI, the build task and the compiler report the same line for a finding.
/// </summary>
internal sealed class SourceLineMap
{
    private readonly int[] _lineStarts;
    private readonly int _length;

    /// <summary>Indexes the line starts of <paramref name="text"/>.</summary>
    public SourceLineMap(string text)
    {
        var starts = new List<int> { 0 };
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c == '\n' || c == '\u0085' || c == '\u2028' || c == '\u2029')
            {
                starts.Add(i + 1);
            }
            else if (c == '\r')
            {
                if (i + 1 < text.Length && text[i + 1] == '\n')
                {
                    i++;
                }

                starts.Add(i + 1);
            }
        }

        _lineStarts = starts.ToArray();
        _length = text.Length;
    }

    /// <summary>Number of lines.</summary>
    public int LineCount => _lineStarts.Length;

    /// <summary>The position of a character offset (clamped to the text).</summary>
    public SourcePosition GetPosition(int offset)
    {
        offset = Math.Max(0, Math.Min(offset, _length));
        int line = Array.BinarySearch(_lineStarts, offset);
        if (line < 0)
        {
            line = ~line - 1;
        }

        return new SourcePosition(line, offset - _lineStarts[line]);
    }
}
