namespace ModelManifest.Checkpoints;

/// <summary>Opening files for reading metadata: small buffer, random access, read sharing.</summary>
internal static class CheckpointFile
{
    public static FileStream OpenRead(string path) =>
        new(path, new FileStreamOptions
        {
            Mode = FileMode.Open,
            Access = FileAccess.Read,
            Share = FileShare.Read | FileShare.Delete,
            BufferSize = 0,
            Options = FileOptions.RandomAccess,
        });

    /// <summary>Opens <paramref name="path"/> and runs <paramref name="read"/>; format errors name the file.</summary>
    public static T Read<T>(string path, Func<Stream, T> read)
    {
        using FileStream stream = OpenRead(path);
        try
        {
            return read(stream);
        }
        catch (CheckpointFormatException e) when (e.FilePath is null)
        {
            throw e.WithFile(path);
        }
    }
}
