using ModelManifest.Reading;

namespace ModelManifest.Assets;

/// <summary>A manifest already in memory, such as the generated catalog.</summary>
/// <param name="document">The manifest.</param>
/// <param name="name">Its name in messages.</param>
/// <param name="precedence">See <see cref="IManifestSource.Precedence"/>.</param>
public sealed class DocumentManifestSource(ManifestDocument document, string name, int precedence = 0) : IManifestSource
{
    /// <inheritdoc />
    public string Name { get; } = name;

    /// <inheritdoc />
    public int Precedence { get; } = precedence;

    /// <inheritdoc />
    public ValueTask<ManifestDocument> LoadAsync(bool offline, CancellationToken cancellationToken) => ValueTask.FromResult(document);
}

/// <summary>A <c>*.models.json</c> file, read and validated on every refresh.</summary>
/// <param name="path">The file.</param>
/// <param name="precedence">See <see cref="IManifestSource.Precedence"/>.</param>
public sealed class FileManifestSource(string path, int precedence = 0) : IManifestSource
{
    /// <inheritdoc />
    public string Name { get; } = Path.GetFullPath(path);

    /// <inheritdoc />
    public int Precedence { get; } = precedence;

    /// <inheritdoc />
    public ValueTask<ManifestDocument> LoadAsync(bool offline, CancellationToken cancellationToken) =>
        ValueTask.FromResult(ManifestText.Parse(ManifestReader.ReadFile(Name), Name));
}

/// <summary>Turns a read result into a document or an exception that lists its errors.</summary>
internal static class ManifestText
{
    public static ManifestDocument Parse(ManifestReadResult result, string origin)
    {
        if (result.Document is { } document && !result.HasErrors)
        {
            return document;
        }

        var errors = result.Diagnostics.Where(d => d.Severity == ManifestSeverity.Error).Select(d => d.ToString());
        throw new InvalidDataException($"Manifest '{origin}' is invalid: {string.Join("; ", errors)}");
    }
}
