namespace ModelManifest.Assets;

/// <summary>Source-generated serialization for the bundle index (trimming and AOT safe).</summary>
[JsonSourceGenerationOptions(WriteIndented = true)]
[JsonSerializable(typeof(BundleIndex))]
internal sealed partial class BundleIndexJsonContext : JsonSerializerContext;
