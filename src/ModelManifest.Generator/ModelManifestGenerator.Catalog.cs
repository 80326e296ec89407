using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.IO;
using System.Linq;
using ModelManifest.Generator.Helpers;
using ModelManifest.Generator.Model;
using ModelManifest.Reading;

namespace ModelManifest.Generator;

/// <summary>
/// Every manifest → the catalog, in three phases: <see cref="ApplyCrossFileRules"/> (the shared MM0300 and MM0202
/// rules, deciding which manifests generate code), <see cref="ApplyLimits"/> (what one compilation can embed) and
/// <see cref="GroupModels"/> (one model id+version once, names unique catalog-wide).
/// A manifest with errors contributes only what the parser could salvage from it (its valid models and assets, see
/// <see cref="ManifestFileSpec.Text"/>); a manifest whose references resolve only through what was left out then fails
/// too, until nothing changes. Everything else keeps generating, so one bad file never blanks the catalog.
/// </summary>
internal static class CatalogBuilder
{
    /// <summary>
    /// Most manifest bytes one catalog embeds (UTF-8, all manifests together). The data itself costs the compiler
    /// little (one u8 literal per manifest, outside the 16 MB user-string heap), but a manifest this large is past
    /// what a build should carry in its source. Documented in docs/diagnostics.md (MM0406).
    /// </summary>
    public const int MaxEmbeddedBytes = 32 * 1024 * 1024;

    /// <summary>
    /// Most model versions one catalog types. Each version is a nested class with its members: measured (generator
    /// benchmark, --scale) at about 7 KB of generated source and 1 GB of compiler allocations per 1,000 models, so
    /// 10,000 keeps a compile within a few GB of memory. Documented in docs/diagnostics.md (MM0406).
    /// </summary>
    public const int MaxModelVersions = 10_000;

    public static CatalogSpec Build(ImmutableArray<ManifestFileSpec> collected, GeneratorOptions options, SchemaInput schemas)
    {
        List<ManifestFileSpec> files = collected.OrderBy(f => f.Path, StringComparer.Ordinal).ToList();
        var diagnostics = new List<DiagnosticInfo>();
        HashSet<ManifestFileSpec> generating = ApplyCrossFileRules(files, diagnostics);
        List<ManifestFileSpec> embedded = ApplyLimits(files.Where(generating.Contains).ToList(), diagnostics);
        List<ModelGroupSpec> groups = GroupModels(embedded, options, diagnostics);

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
            embedded.Select(f => new EmbeddedManifestSpec(Path.GetFileName(f.Path), f.Text!)).ToImmutableEquatableArray(),
            shape,
            options.Utf8Literals,
            diagnostics.ToImmutableEquatableArray());
    }

    /// <summary>
    /// The manifests that generate code: those with text to embed (<see cref="ManifestFileSpec.Text"/>), minus those
    /// breaking one key, one digest (MM0300), minus — to a fixed point — those with a reference that resolves only
    /// through a manifest left out (MM0202). Rules and messages: <see cref="ManifestSetRules"/>, shared with the runtime.
    /// </summary>
    private static HashSet<ManifestFileSpec> ApplyCrossFileRules(List<ManifestFileSpec> files, List<DiagnosticInfo> diagnostics)
    {
        var good = new HashSet<ManifestFileSpec>(files.Where(f => f.Text is not null), ReferenceComparer<ManifestFileSpec>.Instance);

        var firstDefinitions = new Dictionary<string, (string Sha256, string Origin)>(StringComparer.Ordinal);
        foreach (ManifestFileSpec file in files.Where(good.Contains).ToList())
        {
            foreach (AssetDefinitionSpec asset in file.Assets)
            {
                if (ManifestSetRules.CheckDigest(firstDefinitions, asset.Key, asset.Sha256, asset.Location.Path) is string conflict)
                {
                    diagnostics.Add(Parser.At(DiagnosticDescriptors.ConflictingAsset, conflict, asset.Location));
                    good.Remove(file);
                }
            }
        }

        // References of a manifest that generates code resolve against the manifests that generate code; those of a
        // manifest left out (reported once, for its own sake) against every asset any manifest defines.
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

                bool failed = false;
                foreach (AssetReferenceSpec reference in file.References)
                {
                    if (ManifestSetRules.CheckReference(isGood ? keys : allKeys, reference.ModelId, reference.Id, reference.Tag, isGood ? allKeys : null) is string unresolved)
                    {
                        diagnostics.Add(Parser.At(DiagnosticDescriptors.UnresolvedAssetReference, unresolved, reference.Location));
                        failed = true;
                    }
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

        return good;
    }

    /// <summary>
    /// Keeps the manifests (in path order) while the catalog stays within <see cref="MaxEmbeddedBytes"/> and
    /// <see cref="MaxModelVersions"/>; a manifest past a limit is left out with MM0406 located at its first model.
    /// </summary>
    private static List<ManifestFileSpec> ApplyLimits(List<ManifestFileSpec> files, List<DiagnosticInfo> diagnostics)
    {
        var kept = new List<ManifestFileSpec>(files.Count);
        long bytes = 0;
        int models = 0;
        foreach (ManifestFileSpec file in files)
        {
            int size = System.Text.Encoding.UTF8.GetByteCount(file.Text!);
            if (bytes + size > MaxEmbeddedBytes || models + file.Models.Count > MaxModelVersions)
            {
                string what = bytes + size > MaxEmbeddedBytes
                    ? (bytes + size).ToString(CultureInfo.InvariantCulture) + " bytes of manifests, more than the " + MaxEmbeddedBytes.ToString(CultureInfo.InvariantCulture) + " one catalog embeds"
                    : (models + file.Models.Count).ToString(CultureInfo.InvariantCulture) + " model versions, more than the " + MaxModelVersions.ToString(CultureInfo.InvariantCulture) + " one catalog types";
                LocatedText at = file.Models.Count > 0 ? file.Models[0].IdLocation : new LocatedText(string.Empty, file.Path, 0, 0, 0, 0, 0, 0);
                diagnostics.Add(Parser.At(DiagnosticDescriptors.CatalogTooLarge,
                    "With this manifest the catalog would hold " + what + "; it is left out of the generated catalog (split the models across projects, or read this manifest at run time with ManifestReader)",
                    at));
                continue;
            }

            bytes += size;
            models += file.Models.Count;
            kept.Add(file);
        }

        return kept;
    }

    /// <summary>Models: one id+version once (MM0402); names unique in the catalog class and within each model (MM0401).</summary>
    private static List<ModelGroupSpec> GroupModels(List<ManifestFileSpec> files, GeneratorOptions options, List<DiagnosticInfo> diagnostics)
    {
        Dictionary<string, string> used = Parser.NameScope(options.ClassName);
        used["All"] = "(a catalog member)";
        used["SchemaVersion"] = "(a catalog member)";
        used["Snapshot"] = "(a catalog member)";
        used["ModelMetadata"] = "(the generated metadata record)";
        used["ModelEntry"] = "(the generated base type)";
        used["OptionEntry"] = "(the generated base type)";

        var seen = new Dictionary<string, ModelVersionSpec>(StringComparer.Ordinal);
        var byId = new Dictionary<string, List<ModelVersionSpec>>(StringComparer.Ordinal);
        var idOrder = new List<string>();
        foreach (ManifestFileSpec file in files)
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

        return groups;
    }

    private static string NormalizeVersion(string version)
    {
        int plus = version.IndexOf('+');
        return plus < 0 ? version : version.Substring(0, plus);
    }
}
