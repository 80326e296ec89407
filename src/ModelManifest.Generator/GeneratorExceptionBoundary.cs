using System;
using System.Collections.Immutable;
using System.Threading;
using Microsoft.CodeAnalysis;
using ModelManifest.Generator.Helpers;
using ModelManifest.Generator.Model;

namespace ModelManifest.Generator;

/// <summary>
/// The generator's exception boundary, its last line of defence: an unexpected exception in a step becomes an MM0405 diagnostic (on the manifest when
/// there is one) instead of the compiler's CS8785 "generator failed", which would drop every other result.
/// Cancellation still propagates.
/// </summary>
internal static class GeneratorExceptionBoundary
{
    public static ManifestFileSpec Parse(AdditionalText file, SchemaInput schemas, CancellationToken cancellationToken)
    {
        try
        {
            return Parser.Parse(file, schemas, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            var failure = Failure(file.Path, e);
            return new ManifestFileSpec(file.Path, null, true, null, new[] { failure }.ToImmutableEquatableArray(),
                ImmutableEquatableArray<ModelVersionSpec>.Empty, ImmutableEquatableArray<AssetDefinitionSpec>.Empty, ImmutableEquatableArray<AssetReferenceSpec>.Empty);
        }
    }

    public static CatalogSpec Build(ImmutableArray<ManifestFileSpec> files, GeneratorOptions options, SchemaInput schemas)
    {
        try
        {
            return CatalogBuilder.Build(files, options, schemas);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return new CatalogSpec(options.Namespace, options.ClassName, string.Empty, ImmutableEquatableArray<ModelGroupSpec>.Empty,
                ImmutableEquatableArray<EmbeddedManifestSpec>.Empty, null, options.Utf8Literals, new[] { Failure(null, e) }.ToImmutableEquatableArray());
        }
    }

    public static string? Emit(CatalogSpec catalog, out Helpers.DiagnosticInfo? failure)
    {
        try
        {
            failure = null;
            return Emitter.Emit(catalog);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            failure = Failure(null, e);
            return null;
        }
    }

    private static Helpers.DiagnosticInfo Failure(string? path, Exception e)
        => new(GeneratorDiagnosticIds.InternalError,
            "ModelManifest.Generator failed (" + e.GetType().Name + ": " + e.Message + "); nothing was generated from " + (path ?? "the manifests") + ". Please report this with the manifest",
            DiagnosticSeverity.Error, path, default, default);
}
