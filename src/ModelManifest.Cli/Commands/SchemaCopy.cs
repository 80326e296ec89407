using ModelManifest.Cli.Output;
using ModelManifest.IO;
using ModelManifest.Reading;

namespace ModelManifest.Cli.Commands;

/// <summary>
/// The local copy of the manifest schema that the manifests the tool creates point at (<c>"$schema":
/// "./model-manifest.schema.json"</c>): editors load a file beside the manifest offline, whereas the schema's
/// <c>$id</c> URL is an identifier that nothing serves.
/// </summary>
internal static class SchemaCopy
{
    /// <summary>The copy's file name, beside the manifests.</summary>
    public const string FileName = "model-manifest.schema.json";

    /// <summary>The <c>$schema</c> value of a manifest that sits beside the copy.</summary>
    public const string Reference = "./" + FileName;

    /// <summary>Writes the schema this tool validates with beside <paramref name="manifest"/> unless a copy is there; returns the copy's path when written.</summary>
    public static string? EnsureBeside(string manifest)
    {
        string directory = Path.GetDirectoryName(Path.GetFullPath(manifest))!;
        string path = Path.Combine(directory, FileName);
        if (File.Exists(path))
        {
            return null;
        }

        try
        {
            Directory.CreateDirectory(directory);
            AtomicFile.WriteAllText(path, ManifestSchema.EmbeddedText);
            return path;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliException(Diagnostics.ManifestNotWritten, $"{path}: {e.Message}");
        }
    }
}
