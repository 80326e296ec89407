using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace ModelManifest.Assets;

/// <summary>
/// What a file is, read without hashing and without following a symbolic link: device, inode, size, modification
/// time and inode change time (ctime), as git's index records them. Any in-place write moves ctime, and ctime cannot
/// be set back by a user (<c>touch -r</c> restores mtime only), so an unchanged identity means unchanged bytes for
/// every change short of root rewriting the clock.
/// </summary>
/// <remarks>
/// Reuse: record <see cref="ToString"/> next to a file after verifying its hash; later, <see cref="Of(string)"/> the
/// file and compare with <see cref="Matches"/> — a match means the file was not replaced or written since.
/// Linking the file (a hardlink) also moves ctime, so a stamp is refreshed after linking on purpose.
/// On Linux the fields come from <c>statx(2)</c>; elsewhere from the managed file API (no inode, no ctime there).
/// </remarks>
internal readonly record struct FileIdentity(FileKind Kind, ulong Device, ulong Inode, long Size, long ModifiedNs, long ChangedNs, uint OwnerId, uint Mode)
{
    private const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const int AtEmptyPath = 0x1000;
    private const uint StatxBasicStats = 0x7ff;
    private const int StatxSize = 256;

    private static bool s_noStatx = !OperatingSystem.IsLinux();

    /// <summary>Whether the file is a regular file (not a link, folder, FIFO, socket or device).</summary>
    public bool IsRegular => Kind == FileKind.Regular;

    /// <summary>The identity of <paramref name="path"/> itself (a symbolic link is reported as a link), or null when nothing is there.</summary>
    public static FileIdentity? Of(string path)
    {
        if (!s_noStatx)
        {
            var buffer = new byte[StatxSize];
            if (TryStatx(AtFdCwd, Utf8Z(path), AtSymlinkNoFollow, buffer) is null)
            {
                return FromStatx(buffer);
            }

            if (!s_noStatx)
            {
                // ENOENT, ENOTDIR, EACCES, ...: nothing usable is there.
                return null;
            }
        }

        return Managed(path);
    }

    /// <summary>The identity of an open file.</summary>
    public static FileIdentity? Of(SafeFileHandle handle, string path)
    {
        if (!s_noStatx)
        {
            var buffer = new byte[StatxSize];
            if (TryStatx((int)handle.DangerousGetHandle(), new byte[1], AtEmptyPath, buffer) is null)
            {
                return FromStatx(buffer);
            }
        }

        return Managed(path);
    }

    /// <summary>The stamp text: one line, invariant culture.</summary>
    public override string ToString() => string.Join(' ',
        "v2", Device.ToString(CultureInfo.InvariantCulture), Inode.ToString(CultureInfo.InvariantCulture), Size.ToString(CultureInfo.InvariantCulture),
        ModifiedNs.ToString(CultureInfo.InvariantCulture), ChangedNs.ToString(CultureInfo.InvariantCulture));

    /// <summary>Whether <paramref name="stamp"/> (a <see cref="ToString"/> text) describes this regular file exactly.</summary>
    public bool Matches(string? stamp) => IsRegular && string.Equals(stamp?.Trim(), ToString(), StringComparison.Ordinal);

    /// <summary>Null on success, else errno; turns statx off for the process where it does not exist (ENOSYS, an old libc).</summary>
    private static int? TryStatx(int dirFd, byte[] path, int flags, byte[] buffer)
    {
        try
        {
            if (Statx(dirFd, path, flags, StatxBasicStats, buffer) == 0)
            {
                return null;
            }

            var errno = Marshal.GetLastPInvokeError();
            s_noStatx |= errno == 38;
            return errno;
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            s_noStatx = true;
            return 38;
        }
    }

    private static FileIdentity FromStatx(byte[] b)
    {
        var span = b.AsSpan();
        var mode = BinaryPrimitives.ReadUInt16LittleEndian(span[28..]);
        var kind = (mode & 0xF000) switch
        {
            0x8000 => FileKind.Regular,
            0x4000 => FileKind.Directory,
            0xA000 => FileKind.SymbolicLink,
            _ => FileKind.Other,
        };
        var device = ((ulong)BinaryPrimitives.ReadUInt32LittleEndian(span[136..]) << 32) | BinaryPrimitives.ReadUInt32LittleEndian(span[140..]);
        return new FileIdentity(
            kind,
            device,
            BinaryPrimitives.ReadUInt64LittleEndian(span[32..]),
            (long)BinaryPrimitives.ReadUInt64LittleEndian(span[40..]),
            Nanoseconds(span[112..]),
            Nanoseconds(span[96..]),
            BinaryPrimitives.ReadUInt32LittleEndian(span[20..]),
            (uint)(mode & 0xFFF));
    }

    private static long Nanoseconds(ReadOnlySpan<byte> timestamp) =>
        (BinaryPrimitives.ReadInt64LittleEndian(timestamp) * 1_000_000_000L) + BinaryPrimitives.ReadUInt32LittleEndian(timestamp[8..]);

    private static FileIdentity? Managed(string path)
    {
        var info = new FileInfo(path);
        if (info.LinkTarget is not null)
        {
            return new FileIdentity(FileKind.SymbolicLink, 0, 0, 0, 0, 0, 0, 0);
        }

        if (Directory.Exists(path))
        {
            return new FileIdentity(FileKind.Directory, 0, 0, 0, 0, 0, 0, 0);
        }

        if (!info.Exists)
        {
            return null;
        }

        return new FileIdentity(FileKind.Regular, 0, 0, info.Length, info.LastWriteTimeUtc.Ticks * 100, info.CreationTimeUtc.Ticks * 100, 0, 0);
    }

    private static byte[] Utf8Z(string path) => System.Text.Encoding.UTF8.GetBytes(path + "\0");

    // glibc's statx (2.28+): the structure is the kernel's, the same on every architecture.
    [DllImport("libc", EntryPoint = "statx", SetLastError = true)]
    private static extern int Statx(int dirFd, byte[] path, int flags, uint mask, byte[] buffer);
}

/// <summary>What kind of object a path names.</summary>
internal enum FileKind
{
    Regular,
    Directory,
    SymbolicLink,
    Other,
}
