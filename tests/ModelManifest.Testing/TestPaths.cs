namespace ModelManifest.Testing;

/// <summary>Finds repository folders from a test's output directory.</summary>
public static class TestPaths
{
    /// <summary>The repository root (the folder holding ModelManifest.Build.sln).</summary>
    public static string RepositoryRoot { get; } = FindRoot();

    /// <summary>The schema folder.</summary>
    public static string SchemaDirectory => Path.Combine(RepositoryRoot, "schema");

    /// <summary>The published schema file.</summary>
    public static string SchemaFile => Path.Combine(SchemaDirectory, "model-manifest.schema.json");

    /// <summary>The example manifests.</summary>
    public static IReadOnlyList<string> Examples => Directory.GetFiles(Path.Combine(SchemaDirectory, "examples"), "*.models.json").Order(StringComparer.Ordinal).ToList();

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ModelManifest.Build.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("ModelManifest.Build.sln not found above " + AppContext.BaseDirectory);
    }
}
