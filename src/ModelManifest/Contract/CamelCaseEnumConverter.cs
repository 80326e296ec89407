namespace ModelManifest;

/// <summary>Reads and writes an enum as its camelCase name ("stable", "safetensors"), as the schema spells it. AOT safe.</summary>
internal sealed class CamelCaseEnumConverter<TEnum> : JsonStringEnumConverter<TEnum>
    where TEnum : struct, Enum
{
    public CamelCaseEnumConverter()
        : base(JsonNamingPolicy.CamelCase, allowIntegerValues: false)
    {
    }
}
