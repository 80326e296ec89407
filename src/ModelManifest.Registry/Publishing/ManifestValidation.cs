using System.Text.Json.Nodes;
using ModelManifest.Registry.Http;

namespace ModelManifest.Registry.Publishing;

/// <summary>Reads a manifest with the project's public reader; contract errors become a 422 MM3003 with every diagnostic.</summary>
internal static class ManifestValidation
{
    public static ManifestDocument Validate(byte[] utf8, string origin)
    {
        ManifestReadResult result = ManifestReader.Read(utf8, origin);
        if (!result.HasErrors && result.Document is { } document)
        {
            return document;
        }

        var diagnostics = new JsonArray(result.Diagnostics.Select(d => (JsonNode)new JsonObject
        {
            ["id"] = d.Id,
            ["severity"] = d.Severity.ToString().ToLowerInvariant(),
            ["message"] = d.Message,
            ["line"] = d.Start.Line,
            ["column"] = d.Start.Column,
        }).ToArray());
        string first = result.Diagnostics.FirstOrDefault(d => d.Severity == Reading.ManifestSeverity.Error) is { } error
            ? $"{error.Id} at {error.Start.Line}:{error.Start.Column}: {error.Message}"
            : "the manifest could not be read";
        throw new RegistryException(StatusCodes.Status422UnprocessableEntity, RegistryErrors.InvalidManifest, $"the manifest for {origin} breaks the manifest contract: {first}", diagnostics);
    }
}
