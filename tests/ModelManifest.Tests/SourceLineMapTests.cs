namespace ModelManifest.Tests;

public sealed class SourceLineMapTests
{
    [Theory]
    [InlineData("a\nb", 1)]
    [InlineData("a\r\nb", 1)]
    [InlineData("a\rb", 1)]
    [InlineData("a\u2028b", 1)]
    [InlineData("a\u2029b", 1)]
    [InlineData("a\u0085b", 1)]
    [InlineData("ab", 0)]
    public void Lines_end_where_roslyn_ends_them(string text, int line)
        => Assert.Equal(new SourcePosition(line, line == 0 ? 1 : 0), new SourceLineMap(text).GetPosition(text.Length - 1));
}
