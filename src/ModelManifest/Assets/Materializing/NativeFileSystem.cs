using System.Runtime.InteropServices;

namespace ModelManifest.Assets;

/// <summary>The two file-system calls .NET 8 lacks: a copy-on-write clone and a hardlink.</summary>
internal static class NativeFileSystem
{
    // _IOW(0x94, 9, int): clone the whole source file into the destination (btrfs, XFS, bcachefs, …).
    private const ulong Ficlone = 0x40049409;

    /// <summary>Creates <paramref name="destination"/> as a reflink of <paramref name="source"/>; returns null on success, else why not.</summary>
    public static string? TryReflink(string source, string destination)
    {
        if (!OperatingSystem.IsLinux())
        {
            return "reflinks are implemented for Linux only";
        }

        using (var input = File.OpenHandle(source, FileMode.Open, FileAccess.Read))
        using (var output = File.OpenHandle(destination, FileMode.CreateNew, FileAccess.Write))
        {
            var result = Ioctl((int)output.DangerousGetHandle(), Ficlone, (int)input.DangerousGetHandle());
            if (result == 0)
            {
                return null;
            }

            var errno = Marshal.GetLastPInvokeError();
            output.Dispose();
            File.Delete(destination);
            return $"the volume cannot clone files (errno {errno})";
        }
    }

    /// <summary>Creates <paramref name="destination"/> as a hardlink to <paramref name="source"/>; returns null on success, else why not.</summary>
    public static string? TryHardlink(string source, string destination)
    {
        if (OperatingSystem.IsWindows())
        {
            return CreateHardLinkW(destination, source, IntPtr.Zero) ? null : $"hardlink failed (error {Marshal.GetLastPInvokeError()})";
        }

        return Link(Utf8Z(source), Utf8Z(destination)) == 0 ? null : $"hardlink failed (errno {Marshal.GetLastPInvokeError()})";
    }

    private static byte[] Utf8Z(string path) => System.Text.Encoding.UTF8.GetBytes(path + "\0");

    // DllImport with blittable arguments only: no marshalling code, no unsafe blocks, fine for trimming and AOT.
    [DllImport("libc", EntryPoint = "ioctl", SetLastError = true)]
    private static extern int Ioctl(int fd, ulong request, int sourceFd);

    [DllImport("libc", EntryPoint = "link", SetLastError = true)]
    private static extern int Link(byte[] existing, byte[] created);

    [DllImport("kernel32.dll", EntryPoint = "CreateHardLinkW", SetLastError = true, CharSet = CharSet.Unicode)]
    [return: MarshalAs(UnmanagedType.Bool)]
    private static extern bool CreateHardLinkW(string created, string existing, IntPtr securityAttributes);
}
