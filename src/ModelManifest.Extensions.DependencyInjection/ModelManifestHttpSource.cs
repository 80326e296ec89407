using ModelManifest.Assets;

namespace ModelManifest.Extensions.DependencyInjection;

/// <summary>
/// One HTTP asset source as configuration describes it (an item of <c>ModelManifest:HttpSources</c>). It is built as an
/// <see cref="HttpAssetSource"/> on the <see cref="ModelManifestOptions.HttpClientName"/> client.
/// </summary>
public sealed class ModelManifestHttpSource
{
    /// <summary>The server's base URL (http or https), or <see langword="null"/> to use only the manifest's URL hints.</summary>
    public Uri? BaseUrl { get; set; }

    /// <summary>The path template under <see cref="BaseUrl"/> (<see cref="HttpAssetSourceOptions.PathTemplate"/>); <see langword="null"/> keeps the default.</summary>
    public string? PathTemplate { get; set; }

    /// <summary>Whether the manifest's per-asset URLs are tried after the template URL.</summary>
    public bool UseUrlHints { get; set; } = true;

    /// <summary>The name used in messages and metrics; defaults to <c>http:&lt;base URL&gt;</c>.</summary>
    public string? Name { get; set; }

    /// <summary>The priority among the sources (lower is asked first).</summary>
    public int Priority { get; set; }

    internal HttpAssetSourceOptions ToOptions(System.Net.Http.HttpMessageHandler handler)
    {
        var options = new HttpAssetSourceOptions { BaseUrl = BaseUrl, UseUrlHints = UseUrlHints, Name = Name, Handler = handler };
        if (PathTemplate is not null)
        {
            options.PathTemplate = PathTemplate;
        }

        return options;
    }
}
