namespace ModelManifest.Assets;

/// <summary>
/// The cache's snapshot folders: one per model version, <c>snapshots/&lt;model-id&gt;/&lt;version&gt;/&lt;fileName&gt;</c>, each
/// file a link to its blob under the manifest's file name (as Hugging Face's <c>snapshots/&lt;revision&gt;/</c>), so a
/// model made of several files that find each other by name (ONNX external data, tokenizer + config + weights, GGUF
/// splits) loads from one folder without a second copy of its bytes.
/// </summary>
/// <remarks>
/// A file is a hardlink to the blob where the volume allows (the folder lives beside the blobs, so almost always), else
/// a symbolic link, else a copy carrying the blob's modification time. A new folder is filled under a private
/// temporary name and renamed into place, so no process ever sees it half filled; an existing one is checked on every
/// call and an entry that no longer is its blob (pruned, replaced, a manifest changed under the same version) is
/// replaced in place by an atomic rename of an entry built beside the folder (never inside it: a reader listing the
/// folder sees exactly the model's files). When the cache removes a blob it removes the snapshot entries that are it.
/// </remarks>
internal sealed class SnapshotFolders
{
    private const string TempSuffix = ".tmp";
    private static readonly Placement[] s_plan = [Placement.Hardlink, Placement.Symlink, Placement.Copy];

    private readonly string _root;
    private readonly AssetMaterializer _materializer = new();

    public SnapshotFolders(string root) => _root = root;

    /// <summary>
    /// A model id as a folder name, on every OS alike: ':' (allowed in ids, not in Windows names) becomes '~', which no id
    /// contains, so two ids never share a folder. (Not <c>%3A</c>: MSBuild reads '%' escapes in item paths.)
    /// </summary>
    public static string FolderName(string modelId) => modelId.Replace(':', '~');

    /// <summary>Returns the model version's folder holding exactly <paramref name="files"/>, creating or repairing it.</summary>
    /// <param name="modelId">The model id.</param>
    /// <param name="version">The model version.</param>
    /// <param name="files">Each file's name in the folder and the verified blob it is.</param>
    /// <param name="afterHardlink">Called with a blob's sha256 after it was hardlinked (a new link moves the blob's ctime).</param>
    public string Ensure(string modelId, string version, IReadOnlyList<SnapshotFile> files, Action<string> afterHardlink)
    {
        string idFolder = FolderName(modelId);
        if (!AssetValidator.IsSafeFileName(idFolder) || !AssetValidator.IsSafeFileName(version))
        {
            throw new AssetException(AssetDiagnosticIds.InvalidAsset, $"Model '{AssetValidator.Printable(modelId)}' {AssetValidator.Printable(version)} cannot name a folder.");
        }

        var parent = Path.Combine(_root, idFolder);
        var folder = Path.Combine(parent, version);
        for (int attempt = 0; ; attempt++)
        {
            switch (FileIdentity.Of(folder)?.Kind)
            {
                case FileKind.Directory:
                    Repair(folder, files, afterHardlink);
                    return folder;
                case null:
                    break;
                default:
                    NoFollowFile.Delete(folder); // a link or file planted at the folder's name is never followed
                    break;
            }

            Directory.CreateDirectory(parent);
            var temp = Path.Combine(parent, CacheLayout.NewTempName(version, TempSuffix));
            Directory.CreateDirectory(temp);
            try
            {
                foreach (var file in files)
                {
                    Place(temp, file, afterHardlink);
                }

                Directory.Move(temp, folder);
                return folder;
            }
            catch (IOException) when (attempt < 3 && FileIdentity.Of(folder) is not null)
            {
                // Another process published the folder first: check (and repair) theirs on the next turn.
            }
            finally
            {
                DeleteTree(temp);
            }
        }
    }

    /// <summary>Every snapshot folder, with its files and how many of them are links whose blob is gone.</summary>
    public IReadOnlyList<CacheSnapshot> List()
    {
        var snapshots = new List<CacheSnapshot>();
        foreach (var (idName, versionName, folder) in Folders())
        {
            var names = new List<string>();
            int broken = 0;
            foreach (var entry in Directory.EnumerateFileSystemEntries(folder))
            {
                var name = Path.GetFileName(entry);
                if (name.EndsWith(AssetMaterializer.TempSuffix, StringComparison.Ordinal))
                {
                    continue;
                }

                names.Add(name);
                if (FileIdentity.Of(entry)?.Kind == FileKind.SymbolicLink && File.ResolveLinkTarget(entry, returnFinalTarget: true) is not { Exists: true })
                {
                    broken++;
                }
            }

            names.Sort(StringComparer.Ordinal);
            snapshots.Add(new CacheSnapshot(idName.Replace('~', ':'), versionName, folder, names, broken));
        }

        return snapshots;
    }

    /// <summary>
    /// Removes every snapshot entry that is one of the removed blobs (a hardlink to it, a link to its path, or a copy of it),
    /// so their bytes are freed; the next call for such a model fetches and links the blob again. Returns the entries removed.
    /// </summary>
    public int RemoveEntriesOf(IReadOnlyCollection<(string BlobPath, FileIdentity Blob)> removedBlobs)
    {
        if (removedBlobs.Count == 0)
        {
            return 0;
        }

        int removed = 0;
        foreach (var (_, _, folder) in Folders())
        {
            foreach (var entry in Directory.EnumerateFileSystemEntries(folder))
            {
                if (FileIdentity.Of(entry) is not { } identity)
                {
                    continue;
                }

                var target = identity.Kind == FileKind.SymbolicLink ? new FileInfo(entry).LinkTarget : null;
                if (removedBlobs.Any(b => target is not null ? PathEquals(target, b.BlobPath) : IsBlob(identity, b.Blob)) && NoFollowFile.Delete(entry))
                {
                    removed++;
                }
            }
        }

        return removed;
    }

    /// <summary>Removes snapshot folders left half filled, and entries left half placed, by processes that are gone. Returns how many.</summary>
    public int SweepAbandoned()
    {
        int swept = 0;
        foreach (var idFolder in Subfolders(_root))
        {
            foreach (var temp in Directory.EnumerateDirectories(idFolder, "." + "*" + TempSuffix))
            {
                if (CacheLayout.TempNameOwner(Path.GetFileName(temp), TempSuffix) is not { } pid || !CacheLayout.IsProcessAlive(pid))
                {
                    DeleteTree(temp);
                    swept++;
                }
            }

            foreach (var temp in Directory.EnumerateFiles(idFolder, "." + "*" + AssetMaterializer.TempSuffix))
            {
                if (CacheLayout.TempNameOwner(Path.GetFileName(temp), AssetMaterializer.TempSuffix) is not { } pid || !CacheLayout.IsProcessAlive(pid))
                {
                    NoFollowFile.Delete(temp);
                    swept++;
                }
            }
        }

        return swept;
    }

    /// <summary>Replaces each entry that is not (or no longer) its blob, and removes entries the model no longer has.</summary>
    private void Repair(string folder, IReadOnlyList<SnapshotFile> files, Action<string> afterHardlink)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in files)
        {
            names.Add(file.FileName);
            if (!IsCurrent(Path.Combine(folder, file.FileName), file.BlobPath))
            {
                Place(folder, file, afterHardlink, stagingDirectory: Path.GetDirectoryName(folder));
            }
        }

        foreach (var entry in Directory.EnumerateFileSystemEntries(folder))
        {
            var name = Path.GetFileName(entry);
            if (!names.Contains(name) && !name.EndsWith(AssetMaterializer.TempSuffix, StringComparison.Ordinal))
            {
                NoFollowFile.Delete(entry);
            }
        }
    }

    private void Place(string folder, SnapshotFile file, Action<string> afterHardlink, string? stagingDirectory = null)
    {
        var (path, used) = _materializer.Place(file.BlobPath, folder, file.FileName, s_plan, stagingDirectory);
        if (used == Placement.Hardlink)
        {
            afterHardlink(file.Sha256);
        }
        else if (used == Placement.Copy)
        {
            // Size and modification time are how a copy is told to be the blob's (see IsBlob).
            File.SetLastWriteTimeUtc(path, File.GetLastWriteTimeUtc(file.BlobPath));
        }
    }

    /// <summary>Whether the entry at <paramref name="path"/> is the blob: a link to its path, or a regular file that is it (hardlink) or a copy of it.</summary>
    private static bool IsCurrent(string path, string blobPath)
    {
        if (FileIdentity.Of(path) is not { } entry || FileIdentity.Of(blobPath) is not { IsRegular: true } blob)
        {
            return false;
        }

        return entry.Kind == FileKind.SymbolicLink
            ? new FileInfo(path).LinkTarget is { } target && PathEquals(target, blobPath)
            : IsBlob(entry, blob);
    }

    /// <summary>Same inode (a hardlink), or — where inodes are not known, or for a copy — same size and modification time (to the tick .NET sets).</summary>
    private static bool IsBlob(FileIdentity entry, FileIdentity blob) =>
        entry.IsRegular && entry.Size == blob.Size
        && ((entry.Inode != 0 && entry.Device == blob.Device && entry.Inode == blob.Inode) || entry.ModifiedNs / 100 == blob.ModifiedNs / 100);

    private static bool PathEquals(string a, string b) =>
        string.Equals(Path.GetFullPath(a), Path.GetFullPath(b), OperatingSystem.IsWindows() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal);

    /// <summary>Every published snapshot folder (real folders only: temporary ones and planted links are skipped).</summary>
    private IEnumerable<(string IdName, string VersionName, string Folder)> Folders()
    {
        foreach (var idFolder in Subfolders(_root))
        {
            foreach (var folder in Subfolders(idFolder))
            {
                yield return (Path.GetFileName(idFolder), Path.GetFileName(folder), folder);
            }
        }
    }

    private static IEnumerable<string> Subfolders(string path) =>
        Directory.Exists(path)
            ? Directory.EnumerateDirectories(path).Where(d => !Path.GetFileName(d).StartsWith('.') && FileIdentity.Of(d)?.Kind == FileKind.Directory).ToList()
            : [];

    private static void DeleteTree(string path)
    {
        try
        {
            if (FileIdentity.Of(path)?.Kind == FileKind.Directory)
            {
                // Recursive delete unlinks links inside; it never follows them.
                Directory.Delete(path, recursive: true);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Left for the next prune.
        }
    }
}

/// <summary>One file of a snapshot folder: its name there and the verified blob it is.</summary>
internal readonly record struct SnapshotFile(string FileName, string Sha256, string BlobPath);
