using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace ModelManifest.Assets;

/// <summary>
/// File operations for a folder other users may write into (a shared cache): nothing here follows a symbolic link,
/// writes into a file that is not a regular file, or changes a file's mode through a path. New files are created
/// exclusively (<c>O_EXCL</c>), existing ones are opened with <c>O_NOFOLLOW</c> and checked after opening
/// (regular file, owned by this user).
/// </summary>
internal static class NoFollowFile
{
    private const int OpenReadOnly = 0;
    private const int OpenReadWrite = 2;
    private const int OpenCreate = 0x40;
    private const int OpenNonBlocking = 0x800;
    private const int OpenCloseOnExec = 0x80000;
    private const int LockExclusive = 2;
    private const int LockNonBlocking = 4;

    /// <summary>O_NOFOLLOW differs between architectures; 0 where we do not know it (then the managed checks apply).</summary>
    private static readonly int s_openNoFollow = !OperatingSystem.IsLinux() ? 0 : RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 or Architecture.X86 or Architecture.S390x => 0x20000,
        Architecture.Arm64 or Architecture.Arm or Architecture.Ppc64le => 0x8000,
        _ => 0,
    };

    /// <summary>Creates a new file; fails (IOException) when anything — a file, a link, a folder — is already there.</summary>
    public static SafeFileHandle CreateNew(string path) => File.OpenHandle(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.Read);

    /// <summary>
    /// Opens an existing regular file this user owns, without following a link. Returns null (and why) for a link, a
    /// folder, a FIFO, a file of another user or one that cannot be opened for writing: callers treat it as foreign.
    /// </summary>
    public static SafeFileHandle? OpenOwned(string path, bool write, out string? whyNot) => OpenRegular(path, write, requireOwner: true, out whyNot);

    /// <summary>Opens an existing regular file without following a link (any owner when <paramref name="requireOwner"/> is false); null for anything else.</summary>
    public static SafeFileHandle? OpenRegular(string path, bool write, bool requireOwner, out string? whyNot)
    {
        whyNot = null;
        SafeFileHandle? handle = null;
        try
        {
            if (s_openNoFollow != 0)
            {
                var fd = Open(Utf8Z(path), (write ? OpenReadWrite : OpenReadOnly) | s_openNoFollow | OpenNonBlocking | OpenCloseOnExec, 0);
                if (fd < 0)
                {
                    whyNot = $"cannot be opened (errno {Marshal.GetLastPInvokeError()})";
                    return null;
                }

                handle = new SafeFileHandle(fd, ownsHandle: true);
            }
            else
            {
                if (FileIdentity.Of(path) is not { IsRegular: true })
                {
                    whyNot = "is not a regular file";
                    return null;
                }

                handle = File.OpenHandle(path, FileMode.Open, write ? FileAccess.ReadWrite : FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            }

            var identity = FileIdentity.Of(handle, path);
            if (identity is not { IsRegular: true })
            {
                whyNot = "is not a regular file";
            }
            else if (requireOwner && OperatingSystem.IsLinux() && identity.Value.OwnerId != GetEffectiveUserId())
            {
                whyNot = $"belongs to another user (uid {identity.Value.OwnerId})";
            }
            else
            {
                var opened = handle;
                handle = null;
                return opened;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            whyNot = e.Message;
        }
        finally
        {
            handle?.Dispose();
        }

        return null;
    }

    /// <summary>
    /// Opens (creating when needed) a lock file without following a link and takes an exclusive advisory lock without
    /// waiting. <see cref="LockOutcome.Busy"/>: someone holds it. <see cref="LockOutcome.Unavailable"/>: the file cannot
    /// be opened here (read-only volume, a file of another user, a foreign object) — locks do not work here.
    /// </summary>
    public static LockOutcome TryLock(string path, out SafeFileHandle? handle)
    {
        handle = null;
        if (s_openNoFollow == 0)
        {
            return TryLockManaged(path, ref handle);
        }

        var fd = Open(Utf8Z(path), OpenReadWrite | OpenCreate | s_openNoFollow | OpenNonBlocking | OpenCloseOnExec, 0b110_100_100);
        if (fd < 0)
        {
            return LockOutcome.Unavailable;
        }

        var opened = new SafeFileHandle(fd, ownsHandle: true);
        if (FileIdentity.Of(opened, path) is not { IsRegular: true })
        {
            opened.Dispose();
            return LockOutcome.Unavailable;
        }

        // What .NET's own FileShare.None does; honour its switch that turns file locking off (as on a file system without locks).
        if (!FileLockingDisabled && Flock(fd, LockExclusive | LockNonBlocking) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            opened.Dispose();
            return errno == 11 ? LockOutcome.Busy : LockOutcome.Unavailable; // EWOULDBLOCK; else ENOLCK and the like
        }

        handle = opened;
        return LockOutcome.Acquired;
    }

    /// <summary>Removes the directory entry itself (a link is unlinked, never its target; an empty folder is removed). Returns whether something was removed.</summary>
    public static bool Delete(string path)
    {
        try
        {
            switch (FileIdentity.Of(path)?.Kind)
            {
                case null:
                    return false;
                case FileKind.Directory:
                    Directory.Delete(path, recursive: false);
                    return true;
                default:
                    if (OperatingSystem.IsWindows())
                    {
                        File.SetAttributes(path, FileAttributes.Normal);
                    }

                    File.Delete(path); // unlink(2): removes a link, not what it points to
                    return true;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>Makes an open file read-only for everyone, through its handle (never through a path that could be a link).</summary>
    public static void MakeReadOnly(SafeFileHandle handle, string path)
    {
        if (OperatingSystem.IsWindows())
        {
            File.SetAttributes(path, File.GetAttributes(path) | FileAttributes.ReadOnly);
        }
        else
        {
            File.SetUnixFileMode(handle, UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        }
    }

    /// <summary>The user id of this process (0 off Linux, where ownership is not checked).</summary>
    public static uint CurrentUserId => OperatingSystem.IsLinux() ? GetEffectiveUserId() : 0;

    private static bool FileLockingDisabled =>
        Environment.GetEnvironmentVariable("DOTNET_SYSTEM_IO_DISABLEFILELOCKING") is "1" or "true" or "TRUE" or "True";

    private static LockOutcome TryLockManaged(string path, ref SafeFileHandle? handle)
    {
        if (FileIdentity.Of(path) is { IsRegular: false })
        {
            return LockOutcome.Unavailable;
        }

        try
        {
            handle = File.OpenHandle(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            return LockOutcome.Acquired;
        }
        catch (UnauthorizedAccessException)
        {
            return LockOutcome.Unavailable;
        }
        catch (IOException e) when (e.HResult is 5 or 19 or unchecked((int)0x80070005) or unchecked((int)0x80070013))
        {
            return LockOutcome.Unavailable; // access denied / write protected
        }
        catch (IOException)
        {
            return LockOutcome.Busy;
        }
    }

    private static byte[] Utf8Z(string path) => System.Text.Encoding.UTF8.GetBytes(path + "\0");

    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    private static extern int Open(byte[] path, int flags, int mode);

    [DllImport("libc", EntryPoint = "flock", SetLastError = true)]
    private static extern int Flock(int fd, int operation);

    [DllImport("libc", EntryPoint = "geteuid")]
    private static extern uint GetEffectiveUserId();
}

/// <summary>The answer of <see cref="NoFollowFile.TryLock"/>.</summary>
internal enum LockOutcome
{
    Acquired,
    Busy,
    Unavailable,
}
