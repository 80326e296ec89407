using System.Globalization;
using ModelManifest.Reading;

namespace ModelManifest;

/// <summary>
/// Merges several manifests into one <see cref="ManifestSnapshot"/>.
/// <list type="bullet">
/// <item>Models: per id + version, the manifest with the higher <see cref="ManifestMergeInput.Precedence"/> wins
/// (ties: the later input); the replaced one is reported as MM0301 (info).</item>
/// <item>Assets: per id + tag; the same digest in several manifests is one asset (the higher precedence's
/// description is kept); a sha256 other than the key's first definition is an MM0300 error naming both origins.</item>
/// <item>Every asset reference of every winning model must resolve in the merged set (MM0202).</item>
/// <item>The cross-file rules themselves (and their messages) are <see cref="ManifestSetRules"/>, shared with the
/// generator.</item>
/// </list>
/// </summary>
public static class ManifestMerger
{
    /// <summary>Merges <paramref name="inputs"/>.</summary>
    public static ManifestMergeResult Merge(IEnumerable<ManifestMergeInput> inputs)
    {
        // Stable sort: ascending precedence, input order kept for ties, so later entries override earlier ones.
        var ordered = inputs.Select((input, index) => (input, index))
            .OrderBy(x => x.input.Precedence).ThenBy(x => x.index)
            .Select(x => x.input).ToList();

        var diagnostics = ImmutableArray.CreateBuilder<ManifestDiagnostic>();
        var models = new Dictionary<(string Id, string Version), (ModelInfo Model, string Origin)>();
        var assets = new Dictionary<AssetKey, AssetInfo>();
        var firstDefinitions = new Dictionary<string, (string Sha256, string Origin)>(StringComparer.Ordinal);

        foreach (ManifestMergeInput input in ordered)
        {
            foreach (AssetInfo asset in input.Document.Assets)
            {
                if (ManifestSetRules.CheckDigest(firstDefinitions, asset.Key.ToString(), asset.Sha256, input.Origin) is string conflict)
                {
                    diagnostics.Add(new ManifestDiagnostic(ManifestDiagnosticDescriptors.ConflictingAsset, conflict, input.Origin, default, default, default));
                }

                assets[asset.Key] = asset;
            }

            foreach (ModelInfo model in input.Document.Models)
            {
                var key = (model.Id, NormalizeVersion(model.Version));
                if (models.TryGetValue(key, out var existing))
                {
                    diagnostics.Add(Create(ManifestDiagnosticDescriptors.ModelOverridden, input.Origin, model.Id, model.Version, input.Origin, existing.Origin));
                }

                models[key] = (model, input.Origin);
            }
        }

        foreach (var (model, origin) in models.Values)
        {
            foreach (AssetReference reference in model.Assets)
            {
                if (ManifestSetRules.CheckReference(firstDefinitions.Keys, model.Id, reference.Key.Id, reference.Key.Tag) is string unresolved)
                {
                    diagnostics.Add(new ManifestDiagnostic(ManifestDiagnosticDescriptors.UnresolvedAssetReference, unresolved, origin, default, default, default));
                }
            }
        }

        var snapshot = new ManifestSnapshot(
            models.Values.Select(m => m.Model).ToImmutableArray(),
            assets.Values.ToImmutableArray());
        return new ManifestMergeResult(snapshot, diagnostics.ToImmutable());
    }

    private static string NormalizeVersion(string version)
    {
        int plus = version.IndexOf('+', StringComparison.Ordinal);
        return plus < 0 ? version : version[..plus];
    }

    private static ManifestDiagnostic Create(ManifestDiagnosticDescriptor rule, string origin, params object?[] args)
        => new(rule, string.Format(CultureInfo.InvariantCulture, rule.MessageFormat, args), origin, default, default, default);
}
