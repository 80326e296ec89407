namespace ModelManifest.Assets;

/// <summary>An asset could not be provided; <see cref="Attempts"/> lists every source and what it said.</summary>
public sealed class AssetException : Exception
{
    /// <summary>Creates the exception.</summary>
    public AssetException(string code, string message, AssetKey? asset = null, IReadOnlyList<SourceAttempt>? attempts = null, Exception? innerException = null)
        : base(Compose(code, message, attempts), innerException)
    {
        Code = code;
        Reason = message;
        Asset = asset;
        Attempts = attempts ?? Array.Empty<SourceAttempt>();
    }

    /// <summary>The stable error code (<see cref="AssetDiagnosticIds"/>).</summary>
    public string Code { get; }

    /// <summary>The reason alone: no code, no source list (for callers that format those themselves).</summary>
    public string Reason { get; }

    /// <summary>The asset concerned, when there is one.</summary>
    public AssetKey? Asset { get; }

    /// <summary>Every source asked, in order, with its answer.</summary>
    public IReadOnlyList<SourceAttempt> Attempts { get; }

    private static string Compose(string code, string message, IReadOnlyList<SourceAttempt>? attempts)
    {
        if (attempts is null || attempts.Count == 0)
        {
            return $"{code}: {message}";
        }

        var lines = attempts.Select(a => "  - " + a);
        return $"{code}: {message}{Environment.NewLine}{string.Join(Environment.NewLine, lines)}";
    }
}
