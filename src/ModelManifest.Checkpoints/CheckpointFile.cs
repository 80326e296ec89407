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
}
