namespace ModelManifest;

/// <summary>Whether a model works with a platform feature.</summary>
[JsonConverter(typeof(CamelCaseEnumConverter<CompatibilityStatus>))]
public enum CompatibilityStatus
{
    /// <summary>Not known (the default).</summary>
    Unknown = 0,
    /// <summary>Known to work.</summary>
    Compatible,
    /// <summary>Known not to work.</summary>
    Incompatible,
}
