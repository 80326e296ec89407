namespace ModelManifest.Assets;

/// <summary>A private temporary file being written for one digest: its path and the open stream (opened without following links).</summary>
internal sealed class DownloadFile : IDisposable
{
    public DownloadFile(string path, FileStream stream)
    {
        Path = path;
        Stream = stream;
    }

    public string Path { get; }

    public FileStream Stream { get; }

    public void Dispose() => Stream.Dispose();
}
