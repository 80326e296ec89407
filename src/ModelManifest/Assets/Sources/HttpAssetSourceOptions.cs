namespace ModelManifest.Assets;

/// <summary>Settings of an <see cref="HttpAssetSource"/>.</summary>
public sealed class HttpAssetSourceOptions
{
    /// <summary>The server's base URL (http or https), or <see langword="null"/> to use only the manifest's URL hints.</summary>
    public Uri? BaseUrl { get; set; }

    /// <summary>
    /// Path below <see cref="BaseUrl"/>, with tokens <c>{id}</c>, <c>{tag}</c>, <c>{fileName}</c>, <c>{sha256}</c>.
    /// Values are URL-escaped; a segment that ends up empty (an untagged asset's <c>{tag}</c>) is dropped.
    /// The template may not contain <c>..</c>, <c>\</c>, a scheme, a query or control characters.
    /// </summary>
    public string PathTemplate { get; set; } = "{id}/{tag}/{fileName}";

    /// <summary>Whether the manifest's per-asset URLs (<see cref="AssetInfo.Urls"/>) are tried after the template URL.</summary>
    public bool UseUrlHints { get; set; } = true;

    /// <summary>Credentials, sent only to <see cref="BaseUrl"/>'s scheme, host and port — never to hint URLs on other hosts or across redirects to them.</summary>
    public HttpCredential? Credential { get; set; }

    /// <summary>Retries of one request on a transient failure (connection error, time-out, 408, 429, 5xx).</summary>
    public int MaxRetries { get; set; } = 3;

    /// <summary>First back-off delay; doubles with each retry.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>A body that delivers no byte for this long is abandoned (the download then resumes).</summary>
    public TimeSpan StallTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Time allowed to connect and receive response headers, per request.</summary>
    public TimeSpan ResponseTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Time allowed to receive response headers for one attempt to open the asset, across redirects, retries and
    /// their back-off: past it the source is given up and the next one is asked.
    /// </summary>
    public TimeSpan ResponseDeadline { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// The minimum transfer rate, averaged over each <see cref="ThroughputWindow"/> (as curl's <c>--speed-limit</c> and
    /// <c>--speed-time</c>): a body that arrives slower is abandoned and the next source is asked. 0 turns the rule off.
    /// </summary>
    public long MinimumBytesPerSecond { get; set; } = 1024;

    /// <summary>The window over which <see cref="MinimumBytesPerSecond"/> is averaged.</summary>
    public TimeSpan ThroughputWindow { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>
    /// The longest <c>Retry-After</c> (on 429 and 503) honoured: a server asking for a shorter wait gets it, one asking
    /// for a longer wait is given up at once and the next source is asked.
    /// </summary>
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The name used in messages; defaults to <c>http:&lt;base URL&gt;</c>.</summary>
    public string? Name { get; set; }

    /// <summary>A custom handler (for example with a client certificate); by default the system proxy and trust store are used.</summary>
    public HttpMessageHandler? Handler { get; set; }
}
