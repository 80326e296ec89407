using NJsonSchema;

namespace ModelManifest.Cli.Tests;

/// <summary>Validates JSON against schema/model-manifest.schema.json with NJsonSchema (the reference validator).</summary>
internal static class SchemaValidation
{
    private static readonly Lazy<JsonSchema> s_schema = new(() =>
        JsonSchema.FromFileAsync(Path.Combine(RepositoryRoot(), "schema", "model-manifest.schema.json")).GetAwaiter().GetResult());

    public static string RepositoryRoot()
    {
        string? dir = AppContext.BaseDirectory;
        while (dir is not null && !File.Exists(Path.Combine(dir, "Directory.Packages.props")))
        {
            dir = Path.GetDirectoryName(dir);
        }

        return dir ?? throw new InvalidOperationException("repository root not found");
    }

    public static void AssertValid(string json)
    {
        var errors = s_schema.Value.Validate(json);
        Assert.True(errors.Count == 0, "schema errors: " + string.Join("; ", errors.Select(e => $"{e.Path}: {e.Kind}")) + "\n" + json);
    }
}
