using System.IO.Compression;
using System.Text;

namespace ModelManifest.Checkpoints;

/// <summary>
/// Builds a zip checkpoint in the layout <c>torch.save</c> uses: <c>&lt;name&gt;/data.pkl</c>, <c>&lt;name&gt;/byteorder</c>,
/// <c>&lt;name&gt;/data/&lt;n&gt;</c> storages, <c>&lt;name&gt;/version</c>, entries stored uncompressed, plus optional
/// embedded JSON metadata (for example <c>&lt;name&gt;/anemoi-metadata/anemoi.json</c>).
/// </summary>
internal sealed class TorchZipWriter
{
    // A protocol-2 pickle of an empty dict: PROTO 2, EMPTY_DICT, BINPUT 0, STOP.
    private static readonly byte[] s_emptyDictPickle = [0x80, 0x02, (byte)'}', (byte)'q', 0x00, (byte)'.'];

    private readonly List<(string Name, byte[] Data)> _entries = [];

    /// <summary>Creates a writer whose entries live under <paramref name="archiveName"/>/.</summary>
    public TorchZipWriter(string archiveName = "archive")
    {
        ArchiveName = archiveName;
    }

    /// <summary>The top folder name.</summary>
    public string ArchiveName { get; }

    /// <summary>Adds a raw storage as <c>data/&lt;n&gt;</c>.</summary>
    public TorchZipWriter AddStorage(byte[] bytes)
    {
        int n = _entries.Count(e => e.Name.StartsWith("data/", StringComparison.Ordinal));
        _entries.Add(($"data/{n}", bytes));
        return this;
    }

    /// <summary>Adds an anemoi metadata JSON as <c>anemoi-metadata/anemoi.json</c>.</summary>
    public TorchZipWriter AddAnemoiMetadata(string json) => AddEntry("anemoi-metadata/anemoi.json", Encoding.UTF8.GetBytes(json));

    /// <summary>Adds any entry under the archive folder.</summary>
    public TorchZipWriter AddEntry(string relativeName, byte[] bytes)
    {
        _entries.Add((relativeName, bytes));
        return this;
    }

    /// <summary>Writes the zip to <paramref name="stream"/>.</summary>
    public void WriteTo(Stream stream)
    {
        using var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
        Write(zip, "data.pkl", s_emptyDictPickle);
        Write(zip, "byteorder", "little"u8.ToArray());
        foreach (var (name, data) in _entries)
        {
            Write(zip, name, data);
        }

        Write(zip, "version", "3\n"u8.ToArray());
    }

    /// <summary>Writes the zip to <paramref name="path"/>.</summary>
    public void WriteFile(string path)
    {
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None);
        WriteTo(stream);
    }

    private void Write(ZipArchive zip, string name, byte[] data)
    {
        ZipArchiveEntry entry = zip.CreateEntry($"{ArchiveName}/{name}", CompressionLevel.NoCompression);
        entry.LastWriteTime = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);
        using Stream s = entry.Open();
        s.Write(data);
    }
}
