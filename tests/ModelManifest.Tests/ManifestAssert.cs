namespace ModelManifest.Tests;

/// <summary>Assertions that locate diagnostics by the text they must point at.</summary>
internal static class ManifestAssert
{
    /// <summary>
    /// Reads <paramref name="json"/> and asserts a diagnostic <paramref name="id"/> starts exactly where the first
    /// occurrence of <paramref name="at"/> starts (zero-based line/column computed from the text itself).
    /// </summary>
    public static ManifestDiagnostic HasDiagnosticAt(string json, string id, string at, int occurrence = 1)
    {
        ManifestReadResult result = ManifestReader.Read(json, "test.models.json");
        int offset = -1;
        for (int i = 0; i < occurrence; i++)
        {
            offset = json.IndexOf(at, offset + 1, StringComparison.Ordinal);
        }

        Assert.True(offset >= 0, "marker not found: " + at);
        var expected = new SourceLineMap(json).GetPosition(offset);
        var matching = result.Diagnostics.Where(d => d.Id == id).ToList();
        Assert.True(matching.Count > 0, $"expected {id} at {expected}, got: {string.Join(" | ", result.Diagnostics)}");
        ManifestDiagnostic? hit = matching.FirstOrDefault(d => d.Start.Equals(expected));
        Assert.True(hit is not null, $"expected {id} at ({expected}), got {string.Join(" | ", matching)}");
        Assert.Equal(offset, hit!.Span.Start);
        Assert.Equal("test.models.json", hit.FilePath);
        return hit;
    }

    /// <summary>Asserts the manifest reads with no errors and no warnings.</summary>
    public static ManifestDocument IsClean(string json)
    {
        ManifestReadResult result = ManifestReader.Read(json, "test.models.json");
        Assert.True(result.Diagnostics.IsEmpty, string.Join(Environment.NewLine, result.Diagnostics));
        Assert.NotNull(result.Document);
        return result.Document!;
    }
}
