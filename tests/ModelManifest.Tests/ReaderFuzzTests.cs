using System.Text;

namespace ModelManifest.Tests;

/// <summary>Whatever the bytes, the reader answers with diagnostics: never an exception, never a hang.</summary>
public sealed class ReaderFuzzTests
{
    [Fact]
    public void Five_thousand_byte_level_mutations_never_throw_and_invalid_ones_are_located()
    {
        int runs = 0, withErrors = 0;
        foreach (string example in TestPaths.Examples)
        {
            string original = File.ReadAllText(example);
            var mutator = new ManifestMutator(seed: 1234 + runs);
            for (int i = 0; i < 1700; i++)
            {
                byte[] bytes = mutator.MutateBytes(original);
                ManifestReadResult result = ManifestReader.Read(bytes, "fuzz.models.json");
                runs++;
                if (result.HasErrors)
                {
                    withErrors++;
                    Assert.Null(result.Document);
                    Assert.All(result.Diagnostics, d =>
                    {
                        Assert.Matches("^MM[0-9]{4}$", d.Id);
                        Assert.Equal("fuzz.models.json", d.FilePath);
                        Assert.True(d.Start.Line >= 0 && d.Start.Column >= 0 && d.Span.Start >= 0 && d.Span.Length >= 0);
                        Assert.True(d.Span.End <= Encoding.UTF8.GetCharCount(bytes), "span past the end of the text");
                    });
                }
                else
                {
                    Assert.NotNull(result.Document);
                }
            }
        }

        Assert.True(runs >= 5000);
        Assert.InRange(withErrors, runs / 4, runs - 1);
    }

    [Fact]
    public void Nesting_ten_thousand_deep_is_a_located_error()
    {
        foreach (string open in new[] { "[", "{\"a\":" })
        {
            string close = open == "[" ? "]" : "}";
            string json = "{\"schemaVersion\":\"1.1\",\"metadata\":{\"x\":" + string.Concat(Enumerable.Repeat(open, 10_000)) + "1" + string.Concat(Enumerable.Repeat(close, 10_000)) + "}}";
            var result = ManifestReader.Read(json, "deep.models.json");
            var d = Assert.Single(result.Diagnostics);
            Assert.Equal("MM0003", d.Id);
            Assert.Equal(0, d.Start.Line);
        }
    }

    [Fact]
    public void Fifty_megabyte_string_is_read()
    {
        string json = ManifestMutator.WithHugeString(ValidManifest.With());
        var result = ManifestReader.Read(json, "huge.models.json");
        Assert.False(result.HasErrors);
        Assert.Equal(50 * 1024 * 1024, result.Document!.AdditionalProperties!["huge"].GetString()!.Length);
    }

    [Theory]
    [InlineData("")]
    [InlineData("null")]
    [InlineData("[]")]
    [InlineData("\"x\"")]
    [InlineData("{")]
    [InlineData("{\"schemaVersion\":\"1.1\"")]
    [InlineData("{\"schemaVersion\":\"1.1\"}}")]
    [InlineData("{\"schemaVersion\":\"\\u12\"}")]
    [InlineData("{\"schemaVersion\":\"1.1\",\"models\":[{\"id\":\"a\",\"version\":\"1.0.0\",\"options\":[{\"name\":\"o\",\"type\":\"number\",\"default\":1e999}]}]}")]
    [InlineData("{\"schemaVersion\":\"1.1\",\"assets\":[{\"id\":\"a\",\"fileName\":\"a\",\"sha256\":\"\",\"size\":-0}]}")]
    [InlineData("/* unterminated")]
    [InlineData("{\"schemaVersion\":tru}")]
    [InlineData("{\"schemaVersion\":01}")]
    [InlineData("\u0000")]
    public void Hostile_snippets_give_diagnostics(string json)
    {
        var result = ManifestReader.Read(json, "x.models.json");
        Assert.True(result.HasErrors);
        Assert.All(result.Diagnostics, d => Assert.True(d.Span.End <= json.Length));
    }
}
