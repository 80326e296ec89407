using System;

namespace ModelManifest.Reading;

/// <summary>A range of UTF-16 characters in a manifest's text: start offset and length.</summary>
public readonly struct SourceSpan : IEquatable<SourceSpan>
{
    /// <summary>Creates a span.</summary>
    public SourceSpan(int start, int length)
    {
        Start = start;
        Length = length;
    }

    /// <summary>Offset of the first character.</summary>
    public int Start { get; }

    /// <summary>Number of characters.</summary>
    public int Length { get; }

    /// <summary>Offset just past the last character.</summary>
    public int End => Start + Length;

    /// <inheritdoc/>
    public bool Equals(SourceSpan other) => Start == other.Start && Length == other.Length;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is SourceSpan other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => unchecked(Start * 397 ^ Length);

    /// <inheritdoc/>
    public override string ToString() => "[" + Start + ".." + End + ")";
}
