using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;
using ModelManifest.Generator.Helpers;
using ModelManifest.Generator.Model;

namespace ModelManifest.Generator;

/// <summary>
/// Turns the project's <c>*.models.json</c> AdditionalFiles into a typed model catalog, reporting every manifest
/// problem as a diagnostic located in the manifest. The pipeline only: parsing is in <see cref="Parser"/>,
/// cross-file rules in <see cref="CatalogBuilder"/>, text in <see cref="Emitter"/>.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class ModelManifestGenerator : IIncrementalGenerator
{
    /// <summary>Suffix of the AdditionalFiles read as manifests.</summary>
    public const string ManifestSuffix = ".models.json";

    /// <summary>Item metadata naming what a schema AdditionalFile is for.</summary>
    public const string RoleMetadata = "build_metadata.AdditionalFiles.ModelManifestRole";

    /// <summary>Tracking names of the pipeline steps, for incrementality tests.</summary>
    public static class Steps
    {
        /// <summary>Filter of the AdditionalFiles that are manifests (by suffix or ModelManifestRole=Manifest).</summary>
        public const string Manifests = "ModelManifest.Manifests";

        /// <summary>Each manifest paired with the schemas in use.</summary>
        public const string ManifestsWithSchemas = "ModelManifest.ManifestsWithSchemas";

        /// <summary>Per manifest: text → validated, equatable spec (the only step that parses).</summary>
        public const string Parse = "ModelManifest.Parse";

        /// <summary>Options from build properties.</summary>
        public const string Options = "ModelManifest.Options";

        /// <summary>Schema AdditionalFiles (replacement manifest schema, metadata extension schema).</summary>
        public const string Schemas = "ModelManifest.Schemas";

        /// <summary>Per AdditionalFile: its ModelManifestRole and, for a schema, its text.</summary>
        public const string SchemaFiles = "ModelManifest.SchemaFiles";

        /// <summary>Every manifest spec together.</summary>
        public const string Collect = "ModelManifest.Collect";

        /// <summary>Every manifest spec with the options and schemas.</summary>
        public const string CatalogInputs = "ModelManifest.CatalogInputs";

        /// <summary>Cross-file rules and the catalog spec.</summary>
        public const string Catalog = "ModelManifest.Catalog";
    }

    /// <inheritdoc/>
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        IncrementalValueProvider<GeneratorOptions> options = context.AnalyzerConfigOptionsProvider
            .Combine(context.ParseOptionsProvider)
            .Select(static (pair, _) => ReadOptions(pair.Left.GlobalOptions, pair.Right))
            .WithTrackingName(Steps.Options);

        IncrementalValueProvider<SchemaInput> schemas = context.AdditionalTextsProvider
            .Combine(context.AnalyzerConfigOptionsProvider)
            .Select(static (pair, cancellationToken) => ReadSchemaFile(pair.Left, pair.Right, cancellationToken))
            .WithTrackingName(Steps.SchemaFiles)
            .Where(static file => file is not null)
            .Collect()
            .Select(static (files, _) => ToSchemaInput(files!))
            .WithTrackingName(Steps.Schemas);

        IncrementalValuesProvider<ManifestFileSpec> manifests = context.AdditionalTextsProvider
            .Combine(context.AnalyzerConfigOptionsProvider)
            .Where(static pair => IsManifest(pair.Left, pair.Right))
            .Select(static (pair, _) => pair.Left)
            .WithTrackingName(Steps.Manifests)
            .Combine(schemas)
            .WithTrackingName(Steps.ManifestsWithSchemas)
            .Select(static (pair, cancellationToken) => GeneratorExceptionBoundary.Parse(pair.Left, pair.Right, cancellationToken))
            .WithTrackingName(Steps.Parse);

        context.RegisterSourceOutput(manifests.Combine(options), static (spc, pair) =>
        {
            if (!pair.Right.LiveAnalysis)
            {
                Report(spc, pair.Left.Diagnostics);
            }
        });

        context.RegisterSourceOutput(schemas, static (spc, input) => Report(spc, input.Diagnostics));

        IncrementalValueProvider<CatalogSpec> catalog = manifests
            .Collect()
            .WithTrackingName(Steps.Collect)
            .Combine(options)
            .Combine(schemas)
            .WithTrackingName(Steps.CatalogInputs)
            .Select(static (pair, _) => GeneratorExceptionBoundary.Build(pair.Left.Left, pair.Left.Right, pair.Right))
            .WithTrackingName(Steps.Catalog);

        context.RegisterSourceOutput(catalog, static (spc, spec) =>
        {
            Report(spc, spec.Diagnostics);
            if (spec.Models.Count > 0 || spec.Manifests.Count > 0)
            {
                string? source = GeneratorExceptionBoundary.Emit(spec, out DiagnosticInfo? failure);
                if (source is not null)
                {
                    spc.AddSource(spec.ClassName + ".g.cs", SourceText.From(source, System.Text.Encoding.UTF8));
                }
                else
                {
                    spc.ReportDiagnostic(failure!.ToDiagnostic());
                }
            }
        });
    }

    /// <summary>A manifest: a <c>*.models.json</c> AdditionalFile, or any AdditionalFile with <c>ModelManifestRole=Manifest</c>.</summary>
    internal static bool IsManifest(AdditionalText file, AnalyzerConfigOptionsProvider options)
        => file.Path.EndsWith(ManifestSuffix, StringComparison.OrdinalIgnoreCase)
           || (options.GetOptions(file).TryGetValue(RoleMetadata, out string? role) && string.Equals(role?.Trim(), "Manifest", StringComparison.OrdinalIgnoreCase));

    private static void Report(SourceProductionContext context, IEnumerable<DiagnosticInfo> diagnostics)
    {
        foreach (DiagnosticInfo diagnostic in diagnostics)
        {
            context.ReportDiagnostic(diagnostic.ToDiagnostic());
        }
    }

    internal static GeneratorOptions ReadOptions(AnalyzerConfigOptions options, ParseOptions? parseOptions = null)
    {
        string ns = Get(options, "build_property.ModelManifestCatalogNamespace") ?? Get(options, "build_property.RootNamespace") ?? string.Empty;
        string className = Get(options, "build_property.ModelManifestCatalogClassName") ?? "Models";
        if (!IsNamespace(ns))
        {
            ns = string.Empty;
        }

        if (!SyntaxFacts.IsValidIdentifier(className) || SyntaxFacts.GetKeywordKind(className) != SyntaxKind.None)
        {
            className = "Models";
        }

        bool live = string.Equals(Get(options, "build_property.ModelManifestLiveAnalysis"), "true", StringComparison.OrdinalIgnoreCase);
        bool utf8Literals = parseOptions is not CSharpParseOptions csharp || csharp.LanguageVersion >= LanguageVersion.CSharp11;
        return new GeneratorOptions(ns, className, live, utf8Literals);
    }

    private static string? Get(AnalyzerConfigOptions options, string key)
        => options.TryGetValue(key, out string? value) && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;

    private static bool IsNamespace(string ns)
        => ns.Length == 0 || ns.Split('.').All(part => SyntaxFacts.IsValidIdentifier(part) && SyntaxFacts.GetKeywordKind(part) == SyntaxKind.None);

    internal static (string Role, SchemaFile? File, DiagnosticInfo? Error)? ReadSchemaFile(AdditionalText file, AnalyzerConfigOptionsProvider provider, System.Threading.CancellationToken cancellationToken)
    {
        if (!provider.GetOptions(file).TryGetValue(RoleMetadata, out string? role) || string.IsNullOrWhiteSpace(role))
        {
            return null;
        }

        role = role.Trim();
        if (!string.Equals(role, "MetadataSchema", StringComparison.OrdinalIgnoreCase) && !string.Equals(role, "ManifestSchema", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        role = string.Equals(role, "MetadataSchema", StringComparison.OrdinalIgnoreCase) ? "MetadataSchema" : "ManifestSchema";
        string? text;
        try
        {
            text = file.GetText(cancellationToken)?.ToString();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return (role, null, Unusable(file.Path, e.Message));
        }

        if (text is null)
        {
            return (role, null, Unusable(file.Path, "the compiler could not read the file"));
        }

        return Schemas.TryLoad(text, out _, out string? error)
            ? (role, new SchemaFile(file.Path, text), null)
            : (role, null, Unusable(file.Path, error ?? "it is not a usable schema"));
    }

    private static DiagnosticInfo Unusable(string path, string reason)
        => new(GeneratorDiagnosticIds.UnreadableSchema, "Schema file cannot be used: " + reason + "; it is ignored", DiagnosticSeverity.Error, path, default, default);

    internal static SchemaInput ToSchemaInput(ImmutableArray<(string Role, SchemaFile? File, DiagnosticInfo? Error)?> entries)
    {
        var diagnostics = new List<DiagnosticInfo>();
        SchemaFile? manifest = null;
        SchemaFile? metadata = null;
        foreach (var entry in entries.Select(e => e!.Value).OrderBy(e => e.File?.Path ?? e.Error?.FilePath, StringComparer.Ordinal))
        {
            if (entry.Error is not null)
            {
                diagnostics.Add(entry.Error);
                continue;
            }

            ref SchemaFile? slot = ref entry.Role == "MetadataSchema" ? ref metadata : ref manifest;
            if (slot is null)
            {
                slot = entry.File;
            }
            else
            {
                diagnostics.Add(new DiagnosticInfo(GeneratorDiagnosticIds.SeveralSchemas,
                    "More than one " + entry.Role + " file: '" + slot.Path + "' is used and '" + entry.File!.Path + "' is ignored",
                    DiagnosticSeverity.Warning, entry.File.Path, default, default));
            }
        }

        return new SchemaInput(manifest, metadata, diagnostics.ToImmutableEquatableArray());
    }
}
