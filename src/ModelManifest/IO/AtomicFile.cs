using System.Globalization;
using System.Text;

namespace ModelManifest.IO;

/// <summary>
/// The one way this product replaces a file: write a temporary file in the target's folder, optionally flush it to
/// disk, then rename it over the target. Readers see the old file or the new one, never a half-written one; the
/// temporary is removed on any failure. Temporary names carry the process id and a random part, so concurrent writers
/// (threads or processes) of the same target never share a temporary: the last rename wins, whole.
/// </summary>
internal static class AtomicFile
{
    /// <summary>The suffix of every temporary this class writes (cache cleaners may delete stale ones).</summary>
    public const string TemporarySuffix = ".tmp";

    /// <summary>Replaces <paramref name="path"/> with <paramref name="bytes"/>.</summary>
    /// <param name="path">The target file; its folder must exist.</param>
    /// <param name="bytes">The whole new content.</param>
    /// <param name="durable">Flush the content to the disk before the rename (fsync): a crash then cannot leave an empty target.</param>
    public static void WriteAllBytes(string path, ReadOnlySpan<byte> bytes, bool durable = false)
    {
        string full = Path.GetFullPath(path);
        string temp = TemporaryPathFor(full);
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                stream.Write(bytes);
                stream.Flush(flushToDisk: durable);
            }

            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            DeleteQuietly(temp);
        }
    }

    /// <summary>
    /// Replaces <paramref name="path"/> with what <paramref name="write"/> streams into the temporary file: for content
    /// too large to hold in memory (a multi-GB checkpoint rewritten in place).
    /// </summary>
    public static void Write(string path, Action<Stream> write, bool durable = false)
    {
        string full = Path.GetFullPath(path);
        string temp = TemporaryPathFor(full);
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                write(stream);
                stream.Flush(flushToDisk: durable);
            }

            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            DeleteQuietly(temp);
        }
    }

    /// <summary>Replaces <paramref name="path"/> with <paramref name="text"/> as UTF-8 without a byte-order mark.</summary>
    public static void WriteAllText(string path, string text, bool durable = false) =>
        WriteAllBytes(path, Encoding.UTF8.GetBytes(text), durable);

    /// <summary>
    /// Replaces <paramref name="path"/> only when its content differs from <paramref name="bytes"/>, so timestamps (and
    /// incremental builds downstream) do not move for an unchanged file. Returns whether the file was written.
    /// </summary>
    public static bool WriteIfChanged(string path, ReadOnlySpan<byte> bytes, bool durable = false)
    {
        var existing = new FileInfo(path);
        if (existing.Exists && existing.Length == bytes.Length && File.ReadAllBytes(path).AsSpan().SequenceEqual(bytes))
        {
            return false;
        }

        WriteAllBytes(path, bytes, durable);
        return true;
    }

    /// <summary>A fresh temporary path beside <paramref name="fullPath"/>: hidden, unique per process and call.</summary>
    internal static string TemporaryPathFor(string fullPath) => Path.Combine(
        Path.GetDirectoryName(fullPath)!,
        string.Create(CultureInfo.InvariantCulture, $".{Path.GetFileName(fullPath)}.{Environment.ProcessId}.{Guid.NewGuid():N}{TemporarySuffix}"));

    private static void DeleteQuietly(string temp)
    {
        try
        {
            File.Delete(temp);
        }
        catch (IOException)
        {
            // The temporary stays behind; it is hidden and named *.tmp, so it never shadows a real file.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
