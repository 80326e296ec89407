using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using ModelManifest.IO;

namespace ModelManifest.Assets;

/// <summary>
/// A manifest fetched from an HTTP URL on every refresh, with ETag revalidation (a <c>304</c> reuses the cached copy) and
/// a cached fallback when the server is down or the provider is offline. The cached copy lives in <c>cacheFile</c>
/// (plus <c>cacheFile.etag</c>) and is replaced atomically.
/// </summary>
public sealed class HttpManifestSource : IManifestSource, IDisposable
{
    private readonly Uri _url;
    private readonly string _cacheFile;
    private readonly HttpClient _client;

    /// <summary>Creates the source.</summary>
    /// <param name="url">The manifest URL (http or https).</param>
    /// <param name="cacheFile">Where the last good copy is kept.</param>
    /// <param name="precedence">See <see cref="IManifestSource.Precedence"/>.</param>
    /// <param name="handler">A custom handler; by default the system proxy and trust store are used.</param>
    public HttpManifestSource(Uri url, string cacheFile, int precedence = 0, HttpMessageHandler? handler = null)
    {
        ArgumentNullException.ThrowIfNull(url);
        _url = url;
        _cacheFile = Path.GetFullPath(cacheFile);
        Precedence = precedence;
        Name = Redactor.Url(url);
        _client = new HttpClient(handler ?? new SocketsHttpHandler(), disposeHandler: true) { Timeout = TimeSpan.FromSeconds(30) };
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public int Precedence { get; }

    /// <summary>Whether the last load served the cached copy because the server could not be reached (or offline).</summary>
    public bool LastLoadUsedFallback { get; private set; }

    /// <inheritdoc />
    public async ValueTask<ManifestDocument> LoadAsync(bool offline, CancellationToken cancellationToken)
    {
        LastLoadUsedFallback = false;
        if (offline)
        {
            return Fallback("offline mode");
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, _url);
        var etagFile = _cacheFile + ".etag";
        if (File.Exists(_cacheFile) && File.Exists(etagFile) && EntityTagHeaderValue.TryParse(File.ReadAllText(etagFile), out var etag))
        {
            request.Headers.IfNoneMatch.Add(etag);
        }

        HttpResponseMessage response;
        try
        {
            response = await _client.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or IOException || (e is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return Fallback(HttpTransport.Describe(e));
        }

        using (response)
        {
            if (response.StatusCode == HttpStatusCode.NotModified)
            {
                return Parse(await File.ReadAllBytesAsync(_cacheFile, cancellationToken).ConfigureAwait(false));
            }

            if ((int)response.StatusCode >= 500)
            {
                return Fallback($"HTTP {(int)response.StatusCode}");
            }

            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidDataException($"Manifest '{Name}': HTTP {(int)response.StatusCode}.");
            }

            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            var document = Parse(body);
            Directory.CreateDirectory(Path.GetDirectoryName(_cacheFile)!);
            AtomicFile.WriteAllBytes(_cacheFile, body);
            AtomicFile.WriteAllText(etagFile, response.Headers.ETag?.ToString() ?? string.Empty);
            return document;
        }
    }

    /// <summary>Releases the HTTP client.</summary>
    public void Dispose() => _client.Dispose();

    private ManifestDocument Fallback(string why)
    {
        if (!File.Exists(_cacheFile))
        {
            throw new InvalidDataException($"Manifest '{Name}' is unavailable ({Redactor.Scrub(why, [_url.Query])}) and no cached copy exists.");
        }

        LastLoadUsedFallback = true;
        return Parse(File.ReadAllBytes(_cacheFile));
    }

    private ManifestDocument Parse(byte[] utf8) => ManifestText.Parse(ManifestReader.Read(utf8, Name), Name);
}
