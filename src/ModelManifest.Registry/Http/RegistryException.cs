using System.Text.Json.Nodes;

namespace ModelManifest.Registry.Http;

/// <summary>
/// A request the registry refuses: a stable MM3xxx code, the HTTP status and one line saying what and where. Thrown
/// anywhere below an endpoint; <see cref="ProblemMiddleware"/> turns it into <c>application/problem+json</c>.
/// </summary>
internal sealed class RegistryException(int status, string code, string detail, JsonArray? diagnostics = null) : Exception(detail)
{
    public int Status { get; } = status;

    public string Code { get; } = code;

    public string Detail { get; } = detail;

    /// <summary>Manifest diagnostics (<c>id</c>, <c>message</c>, <c>line</c>, <c>column</c>) for MM3003.</summary>
    public JsonArray? Diagnostics { get; } = diagnostics;

    /// <summary>Headers to add to the problem answer (Upload-Offset, Retry-After).</summary>
    public Dictionary<string, string> Headers { get; } = new(StringComparer.OrdinalIgnoreCase);

    public static RegistryException NotFound(string detail) => new(StatusCodes.Status404NotFound, RegistryErrors.NotFound, detail);

    public static RegistryException InvalidName(string detail) => new(StatusCodes.Status400BadRequest, RegistryErrors.InvalidName, detail);

    public static RegistryException BadRequest(string detail) => new(StatusCodes.Status400BadRequest, RegistryErrors.BadRequest, detail);
}
