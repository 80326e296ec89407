using System.Collections.Concurrent;
using System.Globalization;
using ModelManifest.Assets;

namespace ModelManifest.Sources.S3;

/// <summary>
/// An S3 bucket and prefix (<c>s3://bucket/prefix</c>) holding asset files in the layouts of a folder mirror, probed with
/// HEAD requests in this fixed order: <c>&lt;prefix&gt;/&lt;fileName&gt;</c>, then
/// <c>&lt;prefix&gt;/&lt;id&gt;/&lt;tag&gt;/&lt;fileName&gt;</c> (<c>&lt;id&gt;/&lt;fileName&gt;</c> when untagged), then
/// <c>&lt;prefix&gt;/sha256/&lt;hex&gt;</c> (where <c>modelmanifest push</c> writes) — the order of
/// <see cref="DirectoryLayout"/>, restricted by the <c>Layout</c> setting. The first object of the asset's size is served,
/// whole or by byte ranges (resume and parallel parts).
/// </summary>
/// <remarks>
/// A missing object (404) is "not here" and the next source is asked; refused credentials (403) and an unreachable
/// endpoint are this source's failure, named in the engine's error with no credential in it.
/// </remarks>
internal sealed class S3AssetSource : IRangedAssetSource, IDisposable
{
    /// <summary>A body that delivers no byte for this long is abandoned (the engine resumes it).</summary>
    private static readonly TimeSpan s_stallTimeout = TimeSpan.FromSeconds(30);

    private readonly S3Store _store;

    // Where each probed asset was found, so that the many range requests of one download do not probe again.
    private readonly ConcurrentDictionary<(AssetKey, string Sha256), string> _found = new();

    public S3AssetSource(S3Store store)
    {
        _store = store;
    }

    public string Name => _store.Settings.Name;

    public bool RequiresNetwork => true;

    public async ValueTask<AssetAvailability> ProbeAsync(AssetInfo asset, CancellationToken cancellationToken)
    {
        AssetValidator.Validate(asset);
        var seen = new List<string>();
        foreach (string key in Candidates(asset))
        {
            var head = await _store.HeadAsync(key, cancellationToken).ConfigureAwait(false);
            if (head is not { } found)
            {
                seen.Add(key);
                continue;
            }

            if (found.Size != asset.Size)
            {
                seen.Add(string.Create(CultureInfo.InvariantCulture, $"{key} ({found.Size} bytes)"));
                continue;
            }

            if (found.Sha256 is { } stored && stored != asset.Sha256)
            {
                seen.Add($"{key} (sha256 {stored})");
                continue;
            }

            _found[(asset.Key, asset.Sha256)] = key;
            return AssetAvailability.Yes(found.Size);
        }

        return AssetAvailability.No(string.Create(CultureInfo.InvariantCulture, $"no object of {asset.Size} bytes at {string.Join(" or ", seen.Select(_store.Settings.Url))}."));
    }

    public async ValueTask<AssetContent> OpenReadAsync(AssetInfo asset, long offset, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        if (offset >= asset.Size)
        {
            // Nothing left to read (or an empty asset): a range request past the end would be refused with 416.
            offset = 0;
        }

        var response = await OpenAsync(asset, offset, null, cancellationToken).ConfigureAwait(false);
        return new AssetContent(response, offset);
    }

    public async ValueTask<AssetContent> OpenRangeAsync(AssetInfo asset, long offset, long length, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(length);
        var response = await OpenAsync(asset, offset, length, cancellationToken).ConfigureAwait(false);
        return new AssetContent(response, offset, length);
    }

    public void Dispose() => _store.Dispose();

    private async Task<S3ObjectStream> OpenAsync(AssetInfo asset, long offset, long? length, CancellationToken cancellationToken)
    {
        if (!_found.TryGetValue((asset.Key, asset.Sha256), out string? key))
        {
            var availability = await ProbeAsync(asset, cancellationToken).ConfigureAwait(false);
            if (!availability.IsAvailable)
            {
                throw new AssetSourceException(AssetDiagnosticIds.NotInSource, availability.Reason ?? "the object is gone.");
            }

            key = _found[(asset.Key, asset.Sha256)];
        }

        Amazon.S3.Model.GetObjectResponse response;
        try
        {
            response = await _store.GetAsync(key, offset, length, cancellationToken).ConfigureAwait(false);
        }
        catch (AssetSourceException e) when (e.Code == AssetDiagnosticIds.NotInSource)
        {
            _found.TryRemove((asset.Key, asset.Sha256), out _);
            throw;
        }

        // Only exactly the bytes asked for are trusted: a store that ignored the range would shift every byte after it.
        long expected = length ?? asset.Size - offset;
        if (response.ContentLength != expected)
        {
            response.Dispose();
            throw new AssetSourceException(AssetDiagnosticIds.TransportError,
                string.Create(CultureInfo.InvariantCulture, $"{_store.Settings.Url(key)} answered {response.ContentLength} bytes where {expected} (from byte {offset}) were asked for."));
        }

        return new S3ObjectStream(response, s_stallTimeout);
    }

    private IEnumerable<string> Candidates(AssetInfo asset)
    {
        // The validator rejected separators and '..' in id, tag and file name: every key stays below the prefix.
        var layout = _store.Settings.Layout;
        if (layout.HasFlag(DirectoryLayout.FileName))
        {
            yield return _store.Settings.Key(asset.FileName);
        }

        if (layout.HasFlag(DirectoryLayout.IdTagFileName))
        {
            yield return _store.Settings.Key(asset.Tag is null ? $"{asset.Id}/{asset.FileName}" : $"{asset.Id}/{asset.Tag}/{asset.FileName}");
        }

        if (layout.HasFlag(DirectoryLayout.Sha256))
        {
            yield return _store.Settings.Key(S3PushTarget.AssetKey(asset.Sha256));
        }
    }
}
