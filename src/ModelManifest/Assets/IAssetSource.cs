namespace ModelManifest.Assets;

/// <summary>
/// Something that can say "I have asset X" and hand out its bytes: a folder, an HTTP server,
/// the app bundle, or a source type you write (an APK, embedded resources, a database…).
/// </summary>
/// <remarks>
/// <para>To write a source: implement <see cref="Name"/>, <see cref="ProbeAsync"/> and
/// <see cref="OpenReadAsync"/>; set <see cref="RequiresNetwork"/> to <see langword="false"/> when the
/// source never opens a socket so that it stays usable in offline mode. Register it with
/// <see cref="AssetManager.AddSource"/> and a priority (lower is asked first).</para>
/// <para>Sources need not verify bytes: the engine hashes while streaming into the cache and treats a
/// mismatch as this source's failure. Throw <see cref="AssetSourceException"/> to say why you failed;
/// any other exception is recorded as a transport error and the next source is tried.</para>
/// <para>A source that can serve byte ranges also implements <see cref="IRangedAssetSource"/>; large assets are then
/// fetched over several connections at once.</para>
/// <para>Implementations must be safe to call concurrently for different assets.</para>
/// </remarks>
public interface IAssetSource
{
    /// <summary>A short human-readable name for messages (never containing credentials).</summary>
    string Name { get; }

    /// <summary>Whether the source opens network connections; such sources are never asked in offline mode.</summary>
    bool RequiresNetwork => true;

    /// <summary>Answers whether this source can provide <paramref name="asset"/>, cheaply.</summary>
    ValueTask<AssetAvailability> ProbeAsync(AssetInfo asset, CancellationToken cancellationToken);

    /// <summary>Opens the asset's bytes, starting at <paramref name="offset"/> when the source can resume.</summary>
    /// <param name="asset">The asset (already validated by the engine).</param>
    /// <param name="offset">Bytes already held by the caller; a source that cannot skip them returns content at offset 0.</param>
    /// <param name="cancellationToken">Cancels the open.</param>
    ValueTask<AssetContent> OpenReadAsync(AssetInfo asset, long offset, CancellationToken cancellationToken);
}
