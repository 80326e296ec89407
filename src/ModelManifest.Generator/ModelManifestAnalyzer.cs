using System;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using ModelManifest.Generator.Model;

namespace ModelManifest.Generator;

/// <summary>
/// Live squiggles: reports a manifest's own diagnostics as the file is edited, through
/// <c>RegisterAdditionalFileAction</c>. Active only when <c>build_property.ModelManifestLiveAnalysis</c> is true
/// (the package sets it in design-time/IDE builds); then the generator leaves the per-file diagnostics to this
/// analyzer, so no diagnostic is reported twice. Cross-file rules (references, conflicts, name collisions) stay
/// with the generator, which sees every manifest at once.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class ModelManifestAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => DiagnosticDescriptors.All;

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(static start =>
        {
            AnalyzerConfigOptionsProvider provider = start.Options.AnalyzerConfigOptionsProvider;
            if (!ModelManifestGenerator.ReadOptions(provider.GlobalOptions).LiveAnalysis)
            {
                return;
            }

            ImmutableArray<AdditionalText> files = start.Options.AdditionalFiles;
            SchemaInput schemas = ModelManifestGenerator.ToSchemaInput(files
                .Select(file => ModelManifestGenerator.ReadSchemaFile(file, provider, start.CancellationToken))
                .Where(entry => entry is not null)
                .ToImmutableArray());
            start.RegisterAdditionalFileAction(fileContext =>
            {
                AdditionalText file = fileContext.AdditionalFile;
                if (!file.Path.EndsWith(ModelManifestGenerator.ManifestSuffix, StringComparison.OrdinalIgnoreCase))
                {
                    return;
                }

                foreach (Helpers.DiagnosticInfo diagnostic in Parser.Parse(file, schemas, fileContext.CancellationToken).Diagnostics)
                {
                    fileContext.ReportDiagnostic(diagnostic.ToDiagnostic());
                }
            });
        });
    }
}
