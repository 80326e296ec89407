namespace ModelManifest.Assets;

/// <summary>Source-generated serialization for the files the build writes beside the app: the bundle index and the source list (trimming and AOT safe).</summary>
[JsonSourceGenerationOptions(WriteIndented = true)]
[JsonSerializable(typeof(BundleIndex))]
[JsonSerializable(typeof(BuildSources))]
internal sealed partial class BundleIndexJsonContext : JsonSerializerContext;
