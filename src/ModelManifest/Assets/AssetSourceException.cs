namespace ModelManifest.Assets;

/// <summary>Thrown by a source to say why it could not deliver an asset; the manager records it and tries the next source.</summary>
public class AssetSourceException : Exception
{
    /// <summary>Creates the exception with a stable <paramref name="code"/> (see <see cref="AssetDiagnosticIds"/>).</summary>
    public AssetSourceException(string code, string message, bool isTransient = false, Exception? innerException = null)
        : base(message, innerException)
    {
        Code = code;
        IsTransient = isTransient;
    }

    /// <summary>The stable error code.</summary>
    public string Code { get; }

    /// <summary>Whether retrying the same source (resuming) may succeed.</summary>
    public bool IsTransient { get; }
}
