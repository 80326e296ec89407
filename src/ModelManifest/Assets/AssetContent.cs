namespace ModelManifest.Assets;

/// <summary>The bytes of an asset as handed out by a source.</summary>
/// <remarks>
/// <see cref="Offset"/> is where <see cref="Stream"/> starts in the file. A source asked to resume at
/// offset <c>n</c> returns <c>n</c> when it could honour the request, or <c>0</c> when it can only
/// deliver the whole file (the engine then restarts cleanly). Disposing disposes the stream.
/// </remarks>
public sealed class AssetContent : IAsyncDisposable, IDisposable
{
    /// <summary>Creates content that starts at <paramref name="offset"/> of the asset and runs to its end.</summary>
    public AssetContent(Stream stream, long offset)
        : this(stream, offset, null)
    {
    }

    /// <summary>Creates content of <paramref name="length"/> bytes starting at <paramref name="offset"/> (a range), or to the end when <paramref name="length"/> is null.</summary>
    public AssetContent(Stream stream, long offset, long? length)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        if (length is { } count)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count, nameof(length));
        }

        Stream = stream;
        Offset = offset;
        Length = length;
    }

    /// <summary>The readable bytes, from <see cref="Offset"/> to the end of the asset.</summary>
    public Stream Stream { get; }

    /// <summary>Position in the asset of the first byte of <see cref="Stream"/>.</summary>
    public long Offset { get; }

    /// <summary>How many bytes of the asset this content holds when it is a range (see <see cref="IRangedAssetSource"/>); null when it runs to the end.</summary>
    public long? Length { get; }

    /// <summary>Opens a local file positioned at <paramref name="offset"/>.</summary>
    public static AssetContent FromFile(string path, long offset)
    {
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 1, FileOptions.SequentialScan);
        stream.Position = offset;
        return new AssetContent(stream, offset);
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => Stream.DisposeAsync();

    /// <inheritdoc />
    public void Dispose() => Stream.Dispose();
}
