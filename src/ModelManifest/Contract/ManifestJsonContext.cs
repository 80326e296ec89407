namespace ModelManifest;

/// <summary>
/// Source-generated System.Text.Json metadata for the contract records (trim and AOT safe).
/// Reading goes through the manifest reader first, which validates with located diagnostics;
/// this context only binds text that already passed validation, and writes manifests back.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    ReadCommentHandling = JsonCommentHandling.Skip,
    AllowTrailingCommas = true,
    MaxDepth = 256,
    WriteIndented = true)]
[JsonSerializable(typeof(ManifestDocument))]
internal sealed partial class ManifestJsonContext : JsonSerializerContext
{
}
