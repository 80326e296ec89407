using System.Globalization;

namespace ModelManifest.Tests;

/// <summary>Text that is valid JSON grammar but not Unicode text, and names that disguise themselves in listings.</summary>
public sealed class UnicodeRuleTests
{
    [Theory]
    [InlineData("\\ud800")] // high surrogate, nothing after it
    [InlineData("\\uD800x")] // high surrogate followed by a plain character
    [InlineData("\\ud800\\u0041")] // high surrogate followed by an escape that is not a low surrogate
    [InlineData("\\udc00")] // low surrogate alone
    public void A_lone_surrogate_escape_is_located_and_named(string escaped)
    {
        string json = ValidManifest.With().Replace("\"weather\"", "\"weather\", \"description\": \"a" + escaped + "\"", StringComparison.Ordinal);
        var d = ManifestAssert.HasDiagnosticAt(json, "MM0002", escaped[..6]);
        Assert.Contains("lone surrogate U+" + escaped[2..6].ToUpperInvariant(), d.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("could not be converted", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_lone_surrogate_character_in_text_is_located_and_named()
    {
        string json = ValidManifest.With().Replace("\"weather\"", "\"weather\", \"description\": \"a\ud800b\"", StringComparison.Ordinal);
        var d = ManifestAssert.HasDiagnosticAt(json, "MM0002", "\ud800");
        Assert.Contains("lone surrogate U+D800", d.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\\ud83d\\ude00")] // 😀 as an escaped pair
    [InlineData("\ud83d\ude00")] // 😀 as text
    public void A_surrogate_pair_is_one_character(string text)
    {
        string json = ValidManifest.With().Replace("\"weather\"", "\"weather\", \"description\": \"a" + text + "b\"", StringComparison.Ordinal);
        Assert.Equal("a\U0001F600b", ManifestAssert.IsClean(json).Models[0].Description);
    }

    [Theory]
    [InlineData('\u202A')]
    [InlineData('\u202B')]
    [InlineData('\u202C')]
    [InlineData('\u202D')]
    [InlineData('\u202E')] // right-to-left override: "model\u202Etxt.onnx" shows as "modelxnno.txt"
    [InlineData('\u2066')]
    [InlineData('\u2067')]
    [InlineData('\u2068')]
    [InlineData('\u2069')]
    public void MM0205_bidi_controls_in_file_names_are_rejected(char bidi)
    {
        string fileName = "model" + bidi + "txt.onnx";
        string json = ValidManifest.With().Replace("\"weather.ckpt\"", "\"" + fileName + "\"", StringComparison.Ordinal);
        var d = ManifestAssert.HasDiagnosticAt(json, "MM0205", "\"" + fileName + "\"");
        Assert.Contains("bidirectional control character U+" + ((int)bidi).ToString("X4", CultureInfo.InvariantCulture), d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Right_to_left_letters_in_file_names_are_fine()
        => ManifestAssert.IsClean(ValidManifest.With().Replace("\"weather.ckpt\"", "\"\u05de\u05d5\u05d3\u05dc.onnx\"", StringComparison.Ordinal));
}
