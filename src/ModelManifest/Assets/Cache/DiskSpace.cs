namespace ModelManifest.Assets;

/// <summary>Recognises "the volume is full" among I/O errors: never a network error, never worth a retry.</summary>
internal static class DiskSpace
{
    /// <summary>ENOSPC (28) and EDQUOT (122) on Unix; ERROR_DISK_FULL (0x70) and ERROR_HANDLE_DISK_FULL (0x27) on Windows.</summary>
    public static bool IsFull(Exception e) => e is IOException && (e.HResult & 0xFFFF) is 28 or 122 or 0x70 or 0x27;
}
