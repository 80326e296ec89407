using System;

namespace ModelManifest.Reading;

/// <summary>A zero-based line and UTF-16 column, as Roslyn's <c>LinePosition</c>. Displayed one-based.</summary>
public readonly struct SourcePosition : IEquatable<SourcePosition>
{
    /// <summary>Creates a position.</summary>
    public SourcePosition(int line, int column)
    {
        Line = line;
        Column = column;
    }

    /// <summary>Zero-based line.</summary>
    public int Line { get; }

    /// <summary>Zero-based column in UTF-16 code units.</summary>
    public int Column { get; }

    /// <inheritdoc/>
    public bool Equals(SourcePosition other) => Line == other.Line && Column == other.Column;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is SourcePosition other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => unchecked(Line * 397 ^ Column);

    /// <summary>One-based "line,column", as compilers print it.</summary>
    public override string ToString() => (Line + 1) + "," + (Column + 1);
}
