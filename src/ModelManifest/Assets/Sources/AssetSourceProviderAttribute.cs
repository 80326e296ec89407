using System.Diagnostics.CodeAnalysis;

namespace ModelManifest.Assets;

/// <summary>Names the <see cref="IAssetSourceProvider"/> types an assembly contributes to the source factory.</summary>
/// <remarks>The type needs a public parameterless constructor.</remarks>
/// <param name="providerType">A type implementing <see cref="IAssetSourceProvider"/>.</param>
[AttributeUsage(AttributeTargets.Assembly, AllowMultiple = true)]
public sealed class AssetSourceProviderAttribute(
    [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicParameterlessConstructor)] Type providerType) : Attribute
{
    /// <summary>The provider type.</summary>
    [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicParameterlessConstructor)]
    public Type ProviderType { get; } = providerType ?? throw new ArgumentNullException(nameof(providerType));
}
