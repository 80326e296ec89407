using ModelManifest.Reading;

namespace ModelManifest;

/// <summary>The result of <see cref="ManifestMerger.Merge"/>: a snapshot and what the merge found.</summary>
public sealed class ManifestMergeResult
{
    internal ManifestMergeResult(ManifestSnapshot snapshot, ImmutableArray<ManifestDiagnostic> diagnostics)
    {
        Snapshot = snapshot;
        Diagnostics = diagnostics;
    }

    /// <summary>The merged, immutable snapshot (built even when there are errors, from the winning definitions).</summary>
    public ManifestSnapshot Snapshot { get; }

    /// <summary>Conflicts (errors), unresolved references (errors) and overrides (info).</summary>
    public ImmutableArray<ManifestDiagnostic> Diagnostics { get; }

    /// <summary>Whether any diagnostic is an error.</summary>
    public bool HasErrors => Diagnostics.Any(d => d.Severity == ManifestSeverity.Error);
}
