namespace ModelManifest;

/// <summary>Release stage of a model version (schema 1.1). Manifests written for 1.0 read as <see cref="Undefined"/>.</summary>
[JsonConverter(typeof(CamelCaseEnumConverter<ModelStage>))]
public enum ModelStage
{
    /// <summary>Not stated: the explicit default for manifests that predate the field.</summary>
    Undefined = 0,
    /// <summary>Experimental.</summary>
    Experimental,
    /// <summary>Preview.</summary>
    Preview,
    /// <summary>Stable.</summary>
    Stable,
    /// <summary>Deprecated.</summary>
    Deprecated,
}
