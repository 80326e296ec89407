namespace ModelManifest.Cli.Commands;

/// <summary>How every command turns its manifest arguments into files: a file is itself, a folder is searched.</summary>
internal static class ManifestFiles
{
    /// <summary>The file-name pattern of manifests in a folder.</summary>
    public const string Pattern = "*.models.json";

    /// <summary>
    /// Expands <paramref name="inputs"/> in order: a folder becomes its <see cref="Pattern"/> files (all subfolders,
    /// ordinal order, so output is the same on every machine), a file stays as given. <paramref name="missing"/> is the
    /// first input that is neither (the list is then incomplete), or <see langword="null"/>.
    /// </summary>
    public static List<string> Expand(IEnumerable<string> inputs, out string? missing)
    {
        var files = new List<string>();
        missing = null;
        foreach (string input in inputs)
        {
            if (Directory.Exists(input))
            {
                files.AddRange(Directory.EnumerateFiles(input, Pattern, SearchOption.AllDirectories).Order(StringComparer.Ordinal));
            }
            else if (File.Exists(input))
            {
                files.Add(input);
            }
            else
            {
                missing = input;
                break;
            }
        }

        return files;
    }
}
