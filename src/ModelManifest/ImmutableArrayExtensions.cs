namespace ModelManifest;

/// <summary>Helpers for the <see cref="ImmutableArray{T}"/> properties of the manifest contract.</summary>
internal static class ImmutableArrayExtensions
{
    /// <summary>
    /// The array, or an empty one when it is default: a record created with <c>new()</c> (or by a deserializer that
    /// skipped the property) holds a default array, which throws on enumeration; readers of the contract see empty instead.
    /// </summary>
    public static ImmutableArray<T> OrEmpty<T>(this ImmutableArray<T> array) => array.IsDefault ? ImmutableArray<T>.Empty : array;
}
