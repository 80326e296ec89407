using System.Globalization;
using System.Text;

namespace ModelManifest.Assets;

/// <summary>
/// Which parts of a split download are on disk, kept beside the partial file as <c>&lt;sha&gt;.parts</c> so that another
/// process resumes them after a crash. Bound to the file it describes by device and inode (a rename keeps both), so a
/// state left by one file is never trusted for another; the whole-file sha256 still decides in the end.
/// </summary>
/// <remarks>Format: one line <c>modelmanifest-parts 1 &lt;size&gt; &lt;part size&gt; &lt;device&gt; &lt;inode&gt; &lt;'0'/'1' per part&gt;</c>.</remarks>
internal sealed class PartState
{
    private const string Magic = "modelmanifest-parts";
    private readonly bool[] _done;

    public PartState(long size, long partSize, ulong device, ulong inode)
    {
        Size = size;
        PartSize = partSize;
        Device = device;
        Inode = inode;
        _done = new bool[(int)((size + partSize - 1) / partSize)];
    }

    public long Size { get; }

    public long PartSize { get; }

    public ulong Device { get; }

    public ulong Inode { get; }

    public int Count => _done.Length;

    public bool IsDone(int part) => _done[part];

    public void MarkDone(int part) => _done[part] = true;

    public long Start(int part) => part * PartSize;

    public long Length(int part) => Math.Min(PartSize, Size - Start(part));

    /// <summary>Bytes held by finished parts.</summary>
    public long DoneBytes => Enumerable.Range(0, Count).Where(IsDone).Sum(Length);

    /// <summary>Bytes from the start of the file that are all in finished parts.</summary>
    public long ContiguousPrefix
    {
        get
        {
            var part = 0;
            while (part < Count && _done[part])
            {
                part++;
            }

            return part == Count ? Size : Start(part);
        }
    }

    public bool Describes(FileIdentity file, long size, long partSize) =>
        Size == size && PartSize == partSize && Device == file.Device && Inode == file.Inode;

    public override string ToString()
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{Magic} 1 {Size} {PartSize} {Device} {Inode} ");
        foreach (var done in _done)
        {
            text.Append(done ? '1' : '0');
        }

        return text.Append('\n').ToString();
    }

    /// <summary>Reads a state file; null when it is missing, not a regular file, too large or not in this format.</summary>
    public static PartState? TryRead(string path)
    {
        if (FileIdentity.Of(path) is not { IsRegular: true, Size: < 1 << 20 })
        {
            return null;
        }

        string text;
        try
        {
            using var handle = NoFollowFile.OpenOwned(path, write: false, out _);
            if (handle is null)
            {
                return null;
            }

            var bytes = new byte[RandomAccess.GetLength(handle)];
            var read = RandomAccess.Read(handle, bytes, 0);
            text = Encoding.UTF8.GetString(bytes, 0, read);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        var fields = text.TrimEnd('\n').Split(' ');
        if (fields.Length != 7 || fields[0] != Magic || fields[1] != "1"
            || !long.TryParse(fields[2], NumberStyles.None, CultureInfo.InvariantCulture, out var size)
            || !long.TryParse(fields[3], NumberStyles.None, CultureInfo.InvariantCulture, out var partSize)
            || !ulong.TryParse(fields[4], NumberStyles.None, CultureInfo.InvariantCulture, out var device)
            || !ulong.TryParse(fields[5], NumberStyles.None, CultureInfo.InvariantCulture, out var inode)
            || size <= 0 || partSize <= 0)
        {
            return null;
        }

        var state = new PartState(size, partSize, device, inode);
        if (fields[6].Length != state.Count || fields[6].Any(c => c is not ('0' or '1')))
        {
            return null;
        }

        for (int part = 0; part < state.Count; part++)
        {
            state._done[part] = fields[6][part] == '1';
        }

        return state;
    }
}
