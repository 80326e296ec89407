namespace ModelManifest.Registry.Catalog;

/// <summary>
/// The query of the list and manifest endpoints (<c>q</c>, <c>model</c>, <c>tag</c>, <c>stage</c>, <c>framework</c>,
/// <c>variable</c>, <c>alias</c>): a version matches when it passes every filter given.
/// </summary>
internal sealed record CatalogFilter(string? Text, string? Model, string? Tag, string? Stage, string? Framework, string? Variable, string? Alias)
{
    public static CatalogFilter From(IQueryCollection query) => new(
        Value(query, "q"), Value(query, "model"), Value(query, "tag"), Value(query, "stage"), Value(query, "framework"), Value(query, "variable"), Value(query, "alias"));

    /// <summary>A key for caches: the filter in a canonical form.</summary>
    public string Key => string.Join('\u001f', Text, Model, Tag, Stage, Framework, Variable, Alias);

    public bool Matches(CatalogModel model, CatalogVersion version) =>
        (Model is null || model.Id == Model)
        && (Text is null || Contains(version.ModelId) || Contains(version.DisplayName) || Contains(version.Description) || version.Tags.Any(Contains))
        && (Tag is null || version.Tags.Contains(Tag, StringComparer.Ordinal))
        && (Stage is null || version.Record.Stage == Stage || string.Equals(version.ManifestStage, Stage, StringComparison.OrdinalIgnoreCase))
        && (Framework is null || version.Frameworks.Contains(Framework))
        && (Variable is null || version.Variables.Contains(Variable))
        && (Alias is null || (model.Aliases.TryGetValue(Alias, out var a) && a.Version == version.Version));

    private bool Contains(string? value) => value is not null && value.Contains(Text!, StringComparison.OrdinalIgnoreCase);

    private static string? Value(IQueryCollection query, string name) => query[name].FirstOrDefault() is { Length: > 0 } v ? v : null;
}
