namespace ModelManifest.Assets;

/// <summary>Where <see cref="DirectoryAssetSource"/> looks for a file; combine flags to try several, in the order listed here.</summary>
[Flags]
public enum DirectoryLayout
{
    /// <summary><c>&lt;root&gt;/&lt;fileName&gt;</c> — a flat folder of model files.</summary>
    FileName = 1,

    /// <summary><c>&lt;root&gt;/&lt;id&gt;/&lt;tag&gt;/&lt;fileName&gt;</c>, or <c>&lt;root&gt;/&lt;id&gt;/&lt;fileName&gt;</c> for an untagged asset.</summary>
    IdTagFileName = 2,

    /// <summary><c>&lt;root&gt;/sha256/&lt;sha256&gt;</c> — a content-addressed mirror.</summary>
    Sha256 = 4,

    /// <summary>All layouts.</summary>
    All = FileName | IdTagFileName | Sha256,
}
