namespace ModelManifest.Cli.Output;

/// <summary>
/// Every diagnostic code the checkpoint commands (extract, verify, log-run, compare-runs) print, in one place.
/// Codes MM2xxx belong to these commands; MM0xxx are the manifest validator's.
/// </summary>
internal static class Diagnostics
{
    /// <summary>A file named on the command line does not exist or cannot be read.</summary>
    public const string FileNotReadable = "MM2001";

    /// <summary>Options that cannot be combined, or an option value that is not allowed.</summary>
    public const string InvalidOptions = "MM2002";

    /// <summary>A checkpoint is malformed (truncated, a length or offset beyond the file, ...).</summary>
    public const string MalformedCheckpoint = "MM2101";

    /// <summary>The command does not support this checkpoint's format.</summary>
    public const string UnsupportedFormat = "MM2102";

    /// <summary>The manifest named by --into is not a JSON object we can edit.</summary>
    public const string ManifestUnreadable = "MM2201";

    /// <summary>The manifest could not be written.</summary>
    public const string ManifestNotWritten = "MM2202";

    /// <summary>verify --into: no asset in the manifest has the checkpoint's sha256.</summary>
    public const string AssetNotInManifest = "MM2203";

    /// <summary>verify: a structural check failed (offsets, sizes, dtypes).</summary>
    public const string StructuralProblem = "MM2301";

    /// <summary>verify / log-run: ONNX Runtime could not load or run the model.</summary>
    public const string RuntimeFailed = "MM2302";

    /// <summary>verify: the separate loader process crashed or timed out.</summary>
    public const string WorkerFailed = "MM2303";

    /// <summary>verify/extract: a PyTorch checkpoint's pickle names globals that torch.load(weights_only=True) refuses.</summary>
    public const string UnsafePickle = "MM2304";

    /// <summary>compare-runs: a tensor differs beyond --atol/--rtol.</summary>
    public const string OverTolerance = "MM2401";

    /// <summary>compare-runs: a tensor is missing from one file, or its dtype or shape differs.</summary>
    public const string TensorMismatch = "MM2402";

    /// <summary>log-run: an input's type cannot be synthesised (strings, sequences, maps).</summary>
    public const string UnsupportedInput = "MM2404";

    /// <summary>An unexpected internal error (a bug): reported as one line, never a stack trace.</summary>
    public const string InternalError = "MM2999";

    /// <summary>fetch: a manifest named with --manifest has errors (each is printed in compiler form).</summary>
    public const string ManifestInvalid = "MM2501";

    /// <summary>fetch: a model id (or id@version) is not in the manifests.</summary>
    public const string UnknownModel = "MM2502";

    /// <summary>cache verify: a cached blob's bytes no longer match its sha256 (it was removed).</summary>
    public const string CorruptBlob = "MM2503";

    /// <summary>pull --into: an asset entry of the manifest (same id and tag) has other bytes and another model version uses it.</summary>
    public const string PulledAssetConflict = "MM2701";

    /// <summary>validate: the reference validator (NJsonSchema) failed on a file, so the cross-check could not judge it.</summary>
    public const string CrossCheckFailed = "MM2601";
}

/// <summary>An error that ends a command: printed as one line <c>error MM2xxx: ...</c> and mapped to an exit code.</summary>
internal sealed class CliException(string code, string message, int exitCode = ExitCodes.UsageError) : Exception(message)
{
    public string Code { get; } = code;

    public int ExitCode { get; } = exitCode;
}
