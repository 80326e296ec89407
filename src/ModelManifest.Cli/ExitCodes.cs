namespace ModelManifest.Cli;

/// <summary>Documented exit codes of every <c>modelmanifest</c> command.</summary>
internal static class ExitCodes
{
    /// <summary>Success: nothing to report.</summary>
    public const int Ok = 0;

    /// <summary>The command ran and found problems (invalid manifest, failed verification, divergence).</summary>
    public const int Findings = 1;

    /// <summary>The command line was wrong or an input could not be used at all.</summary>
    public const int UsageError = 2;
}
