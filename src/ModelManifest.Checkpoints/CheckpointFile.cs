namespace ModelManifest.Checkpoints;

/// <summary>Opening files for reading metadata: small buffer, random access, read sharing.</summary>
internal static class CheckpointFile
{
    /// <summary>
    /// Opens a regular, non-empty file. Directories, devices (/dev/zero never ends), pipes (opening one blocks
    /// until a writer comes) and empty files are refused before opening: the OS reports size 0 for all of them.
    /// </summary>
    public static FileStream OpenRead(string path)
    {
        if (Directory.Exists(path))
        {
            throw new CheckpointFormatException(CheckpointFormat.Other, 0, "is a directory, not a checkpoint file").WithFile(path);
        }

        if (new FileInfo(path) is { Exists: true, Length: 0 })
        {
            throw new CheckpointFormatException(CheckpointFormat.Other, 0,
                "is empty (0 bytes) or not a regular file (a device or pipe): an interrupted download or copy leaves such a file; fetch the checkpoint again").WithFile(path);
        }

        FileStream stream = Open(path);
        try
        {
            RejectPlaceholder(stream);
            return stream;
        }
        catch (CheckpointFormatException e)
        {
            stream.Dispose();
            throw e.WithFile(path);
        }
    }

    /// <summary>
    /// Files that stand where a checkpoint should be but are not one: a Git LFS pointer (the repository was cloned
    /// without LFS) and an HTML page (a download that got an error or login page instead of the file).
    /// </summary>
    private static void RejectPlaceholder(Stream stream)
    {
        Span<byte> head = stackalloc byte[512];
        int n = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        stream.Position = 0;
        string text = System.Text.Encoding.Latin1.GetString(head[..n]).TrimStart('\uFEFF', '\u00EF', '\u00BB', '\u00BF', ' ', '\t', '\r', '\n');
        if (text.StartsWith("version https://git-lfs.github.com/spec/", StringComparison.Ordinal))
        {
            string oid = text.Split('\n').FirstOrDefault(l => l.StartsWith("oid ", StringComparison.Ordinal))?[4..].Trim() ?? "?";
            throw new CheckpointFormatException(CheckpointFormat.Other, 0,
                $"is a Git LFS pointer ({stream.Length} bytes, {oid}), not the checkpoint: run 'git lfs install' and 'git lfs pull' in the repository, or download the file itself");
        }

        if (text.StartsWith("<!doctype html", StringComparison.OrdinalIgnoreCase) || text.StartsWith("<html", StringComparison.OrdinalIgnoreCase)
            || (text.StartsWith("<?xml", StringComparison.Ordinal) && text.Contains("<html", StringComparison.OrdinalIgnoreCase)))
        {
            throw new CheckpointFormatException(CheckpointFormat.Other, 0,
                $"is an HTML page ({stream.Length} bytes), not a checkpoint: the download got an error or sign-in page; download the file's direct link (with credentials if the model is gated)");
        }
    }

    private static FileStream Open(string path) =>
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
