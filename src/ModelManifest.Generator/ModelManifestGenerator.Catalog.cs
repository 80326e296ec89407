using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using ModelManifest.Generator.Helpers;
using ModelManifest.Generator.Model;
using ModelManifest.Reading;

namespace ModelManifest.Generator;

/// <summary>
/// Every manifest → the catalog: cross-file rules (asset references resolve across manifests, one asset key has one
/// digest, one model id+version is defined once) and names that must be unique catalog-wide.
/// A manifest with errors contributes no code; a manifest whose references only resolved through such a manifest
/// then fails too, until nothing changes.
/// </summary>
internal static class CatalogBuilder
{
    public static CatalogSpec Build(ImmutableArray<ManifestFileSpec> collected, GeneratorOptions options, SchemaInput schemas)
    {
        List<ManifestFileSpec> files = collected.OrderBy(f => f.Path, StringComparer.Ordinal).ToList();
        var diagnostics = new List<Helpers.DiagnosticInfo>();
        var good = new HashSet<ManifestFileSpec>(files.Where(f => !f.HasErrors), ReferenceComparer<ManifestFileSpec>.Instance);

        // One asset key, one digest.
        var digests = new Dictionary<string, AssetDefinitionSpec>(StringComparer.Ordinal);
        foreach (ManifestFileSpec file in files.Where(good.Contains).ToList())
        {
            foreach (AssetDefinitionSpec asset in file.Assets)
            {
                if (digests.TryGetValue(asset.Key, out AssetDefinitionSpec? first))
                {
                    if (first.Sha256 != asset.Sha256 && first.Location.Path != asset.Location.Path)
                    {
                        diagnostics.Add(Parser.At(DiagnosticDescriptors.ConflictingAsset,
                            Format(ManifestDiagnosticDescriptors.ConflictingAsset, asset.Key, first.Sha256, first.Location.Path, asset.Sha256, asset.Location.Path),
                            asset.Location));
                        good.Remove(file);
                    }
                }
                else
                {
                    digests[asset.Key] = asset;
                }
            }
        }

        // Asset references resolve against the manifests that generate code, to a fixed point.
        var allKeys = new HashSet<string>(files.SelectMany(f => f.Assets).Select(a => a.Key), StringComparer.Ordinal);
        var reported = new HashSet<ManifestFileSpec>(ReferenceComparer<ManifestFileSpec>.Instance);
        bool changed = true;
        while (changed)
        {
            changed = false;
            var keys = new HashSet<string>(good.SelectMany(f => f.Assets).Select(a => a.Key), StringComparer.Ordinal);
            foreach (ManifestFileSpec file in files)
            {
                bool isGood = good.Contains(file);
                if (reported.Contains(file) || (!isGood && file.SchemaVersion is null))
                {
                    continue;
                }

                var known = isGood ? keys : allKeys;
                bool failed = false;
                foreach (AssetReferenceSpec reference in file.References)
                {
                    string key = SemanticValidator.FormatKey(reference.Id, reference.Tag);
                    if (known.Contains(key))
                    {
                        continue;
                    }

                    string hint = isGood && allKeys.Contains(key) ? " that generates code (the manifest defining it has errors)"
                        : SemanticValidator.DescribeNearMiss(known, reference.Id, reference.Tag);
                    diagnostics.Add(Parser.At(DiagnosticDescriptors.UnresolvedAssetReference,
                        Format(ManifestDiagnosticDescriptors.UnresolvedAssetReference, reference.ModelId, key, hint), reference.Location));
                    failed = true;
                }

                if (failed || !isGood)
                {
                    reported.Add(file);
                }

                if (failed && isGood)
                {
                    good.Remove(file);
                    changed = true;
                }
            }
        }

        // Models: one id+version once; names unique in the catalog class and within each model.
        Dictionary<string, string> used = Parser.NameScope(options.ClassName);
        used["All"] = "(a catalog member)";
        used["SchemaVersion"] = "(a catalog member)";
        used["ModelMetadata"] = "(the generated metadata record)";
        used["ModelEntry"] = "(the generated base type)";
        used["OptionEntry"] = "(the generated base type)";

        var seen = new Dictionary<string, ModelVersionSpec>(StringComparer.Ordinal);
        var byId = new Dictionary<string, List<ModelVersionSpec>>(StringComparer.Ordinal);
        var idOrder = new List<string>();
        foreach (ManifestFileSpec file in files.Where(good.Contains))
        {
            foreach (ModelVersionSpec model in file.Models)
            {
                string key = model.Id + "\n" + model.VersionName;
                if (seen.TryGetValue(key, out ModelVersionSpec? first))
                {
                    bool sameVersion = NormalizeVersion(first.Version) == NormalizeVersion(model.Version);
                    diagnostics.Add(sameVersion
                        ? Parser.At(DiagnosticDescriptors.ModelInSeveralManifests,
                            "Model '" + model.Id + "' version " + model.Version + " is defined in " + first.IdLocation.Path + " and in " + model.IdLocation.Path + "; the catalog keeps the first",
                            model.IdLocation)
                        : Parser.At(DiagnosticDescriptors.IdentifierCollision,
                            Parser.CollisionMessage(model.VersionName, "version " + first.Version, "version " + model.Version, "model '" + model.Id + "'"),
                            model.VersionLocation));
                    continue;
                }

                seen[key] = model;
                if (!byId.TryGetValue(model.Id, out List<ModelVersionSpec>? versions))
                {
                    byId[model.Id] = versions = new List<ModelVersionSpec>();
                    idOrder.Add(model.Id);
                }

                versions.Add(model);
            }
        }

        var groups = new List<ModelGroupSpec>();
        foreach (string id in idOrder.OrderBy(i => i, StringComparer.Ordinal))
        {
            List<ModelVersionSpec> versions = byId[id]
                .OrderByDescending(v => SemanticVersion.TryParse(v.Version, out SemanticVersion? parsed) ? parsed : null)
                .ToList();
            ModelVersionSpec head = versions[0];
            string name = head.Name;
            string typeName = name.TrimStart('@') + "Model";
            string? clash = used.TryGetValue(name, out string? a) ? a : used.TryGetValue(typeName, out string? b) ? b : null;
            if (clash is not null)
            {
                diagnostics.Add(Parser.At(DiagnosticDescriptors.IdentifierCollision,
                    Parser.CollisionMessage(name, clash, "model '" + id + "'", "the catalog class " + options.ClassName),
                    head.IdLocation));
                continue;
            }

            used[name] = "model '" + id + "'";
            used[typeName] = "model '" + id + "'";
            int latest = versions.FindIndex(v => SemanticVersion.TryParse(v.Version, out SemanticVersion? parsed) && !parsed!.IsPreRelease);
            groups.Add(new ModelGroupSpec(id, name, typeName, latest < 0 ? 0 : latest, versions.ToImmutableEquatableArray()));
        }

        ImmutableEquatableArray<MetadataMemberSpec>? shape = null;
        if (Schemas.Metadata(schemas) is ManifestSchema metadata)
        {
            shape = SchemaWalker.Members(metadata.Root, null, null, new HashSet<string>(), new HashSet<string> { "ModelMetadata" })
                .Select(m => new MetadataMemberSpec(m.Name, m.TypeName, m.Documentation))
                .ToImmutableEquatableArray();
        }

        return new CatalogSpec(
            options.Namespace,
            options.ClassName,
            Schemas.Manifest(schemas).Version,
            groups.ToImmutableEquatableArray(),
            files.Where(good.Contains).Select(f => new EmbeddedManifestSpec(Path.GetFileName(f.Path), f.Text!)).ToImmutableEquatableArray(),
            shape,
            diagnostics.ToImmutableEquatableArray());
    }

    private static string NormalizeVersion(string version)
    {
        int plus = version.IndexOf('+');
        return plus < 0 ? version : version.Substring(0, plus);
    }

    private static string Format(ManifestDiagnosticDescriptor rule, params object[] args)
        => string.Format(System.Globalization.CultureInfo.InvariantCulture, rule.MessageFormat, args);
}
