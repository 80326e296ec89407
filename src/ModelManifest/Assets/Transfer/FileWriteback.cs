using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace ModelManifest.Assets;

/// <summary>
/// Linux calls that make a split download cheap to commit: reserve the whole file's blocks up front (a full disk shows
/// at the start, not after gigabytes), and start writing finished ranges back while the download proceeds, so the
/// final fsync before the rename has little left to do. Elsewhere both are no-ops.
/// </summary>
internal static class FileWriteback
{
    /// <summary>How much written data to let pile up before asking for its writeback: small enough that the final fsync waits for little, large enough to keep the calls few.</summary>
    public const long Step = 8L << 20;

    private const int SyncFileRangeWrite = 2;
    private static bool s_unavailable = !OperatingSystem.IsLinux();

    /// <summary>Gives the file its final length, with blocks reserved where the file system can. Throws an IOException carrying ENOSPC when the disk is full.</summary>
    public static void Preallocate(FileStream file, long length)
    {
        if (!s_unavailable)
        {
            try
            {
                var error = PosixFallocate((int)file.SafeFileHandle.DangerousGetHandle(), 0, length);
                if (error is 28 or 122)
                {
                    throw new IOException($"no space for {length} bytes ({Marshal.GetPInvokeErrorMessage(error)}).", error);
                }
            }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
            {
                s_unavailable = true;
            }
        }

        file.SetLength(length); // keeps the stream's idea of the length right (fallocate has set it already on Linux)
    }

    /// <summary>Asks the kernel to start writing <c>[offset, offset + length)</c> to disk now, without waiting for it.</summary>
    public static void StartWriteback(SafeFileHandle handle, long offset, long length)
    {
        if (s_unavailable || length <= 0)
        {
            return;
        }

        try
        {
            _ = SyncFileRange((int)handle.DangerousGetHandle(), offset, length, SyncFileRangeWrite);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            s_unavailable = true;
        }
    }

    [DllImport("libc", EntryPoint = "posix_fallocate")]
    private static extern int PosixFallocate(int fd, long offset, long length);

    [DllImport("libc", EntryPoint = "sync_file_range", SetLastError = true)]
    private static extern int SyncFileRange(int fd, long offset, long length, int flags);
}
