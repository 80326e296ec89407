namespace ModelManifest.Assets;

/// <summary>How a cached blob is placed into a target folder.</summary>
public enum LinkMode
{
    /// <summary>Reflink, else hardlink, else copy — probed once per target volume.</summary>
    Auto,

    /// <summary>Reflink, else copy: never shares an inode with the cache, for apps that edit their model files in place.</summary>
    ReflinkOrCopy,

    /// <summary>A copy-on-write clone (Linux <c>FICLONE</c>: btrfs, XFS, bcachefs…); fails when the volume cannot clone.</summary>
    Reflink,

    /// <summary>A hardlink to the read-only blob; fails when the target is on another volume.</summary>
    Hardlink,

    /// <summary>A full, independent copy.</summary>
    Copy,
}
