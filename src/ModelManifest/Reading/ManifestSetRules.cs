using System;
using System.Collections.Generic;
using System.Globalization;

namespace ModelManifest.Reading;

/// <summary>
/// The rules that need every manifest of a set at once — MM0202 (an asset reference resolves to an asset some
/// manifest defines) and MM0300 (one asset key, one digest) — in one place for the three callers that apply them:
/// multi-file reading (<see cref="SemanticValidator.ValidateReferences"/>), the runtime merge (ManifestMerger) and
/// the generator's catalog (CatalogBuilder, which compiles this folder as source). Each caller locates and reports
/// the finding its own way; the rule and its message live here.
/// </summary>
internal static class ManifestSetRules
{
    /// <summary>
    /// MM0300. Records the first definition of <paramref name="key"/> in <paramref name="firstDefinitions"/>; a later
    /// definition with another digest returns the MM0300 message naming both origins, else <see langword="null"/>.
    /// </summary>
    public static string? CheckDigest(IDictionary<string, (string Sha256, string Origin)> firstDefinitions, string key, string sha256, string origin)
    {
        if (!firstDefinitions.TryGetValue(key, out var first))
        {
            firstDefinitions[key] = (sha256, origin);
            return null;
        }

        return string.Equals(first.Sha256, sha256, StringComparison.Ordinal)
            ? null
            : Format(ManifestDiagnosticDescriptors.ConflictingAsset, key, first.Sha256, first.Origin, sha256, origin);
    }

    /// <summary>
    /// MM0202. The message when the reference <paramref name="id"/>@<paramref name="tag"/> of model
    /// <paramref name="modelId"/> matches none of <paramref name="knownKeys"/> (keys from
    /// <see cref="SemanticValidator.FormatKey"/>), else <see langword="null"/>. A key in
    /// <paramref name="excludedKeys"/> (defined, but by a manifest that was set aside for its own errors) gets that hint
    /// instead of the near-miss hint.
    /// </summary>
    public static string? CheckReference(ICollection<string> knownKeys, string modelId, string id, string? tag, ICollection<string>? excludedKeys = null)
    {
        string key = SemanticValidator.FormatKey(id, tag);
        if (knownKeys.Contains(key))
        {
            return null;
        }

        string hint = excludedKeys is not null && excludedKeys.Contains(key)
            ? " without errors (the manifest defining it has errors)"
            : SemanticValidator.DescribeNearMiss(knownKeys, id, tag);
        return Format(ManifestDiagnosticDescriptors.UnresolvedAssetReference, modelId, key, hint);
    }

    private static string Format(ManifestDiagnosticDescriptor rule, params object[] args)
        => string.Format(CultureInfo.InvariantCulture, rule.MessageFormat, args);
}
