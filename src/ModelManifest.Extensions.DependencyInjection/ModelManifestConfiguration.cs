using System.Globalization;
using Microsoft.Extensions.Configuration;
using ModelManifest.Assets;

namespace ModelManifest.Extensions.DependencyInjection;

/// <summary>
/// Reads <see cref="ModelManifestOptions"/> from a configuration section by hand: the reflection binder
/// (<c>ConfigurationBinder.Bind</c>) is annotated as not trim- or AOT-safe, and this library is both.
/// </summary>
internal static class ModelManifestConfiguration
{
    public static void Bind(IConfiguration section, ModelManifestOptions options)
    {
        if (section[nameof(ModelManifestOptions.CacheRoot)] is { Length: > 0 } cacheRoot)
        {
            options.CacheRoot = cacheRoot;
        }

        if (section[nameof(ModelManifestOptions.BundleDirectory)] is { } bundle)
        {
            options.BundleDirectory = bundle.Length == 0 ? null : bundle;
        }

        if (section[nameof(ModelManifestOptions.Offline)] is { } offline)
        {
            options.Offline = ParseBool(section, nameof(ModelManifestOptions.Offline), offline);
        }

        if (section[nameof(ModelManifestOptions.UseBuildSources)] is { } useBuildSources)
        {
            options.UseBuildSources = ParseBool(section, nameof(ModelManifestOptions.UseBuildSources), useBuildSources);
        }

        foreach (IConfigurationSection item in section.GetSection(nameof(ModelManifestOptions.HttpSources)).GetChildren())
        {
            var source = new ModelManifestHttpSource
            {
                PathTemplate = item[nameof(ModelManifestHttpSource.PathTemplate)],
                Name = item[nameof(ModelManifestHttpSource.Name)],
            };
            if (item[nameof(ModelManifestHttpSource.BaseUrl)] is { Length: > 0 } baseUrl)
            {
                source.BaseUrl = Uri.TryCreate(baseUrl, UriKind.Absolute, out var uri)
                    ? uri
                    : throw Invalid(item, nameof(ModelManifestHttpSource.BaseUrl), baseUrl, "an absolute http(s) URL");
            }

            if (item[nameof(ModelManifestHttpSource.UseUrlHints)] is { } hints)
            {
                source.UseUrlHints = ParseBool(item, nameof(ModelManifestHttpSource.UseUrlHints), hints);
            }

            if (item[nameof(ModelManifestHttpSource.Priority)] is { } priority)
            {
                source.Priority = int.TryParse(priority, NumberStyles.Integer, CultureInfo.InvariantCulture, out int p)
                    ? p
                    : throw Invalid(item, nameof(ModelManifestHttpSource.Priority), priority, "an integer");
            }

            options.HttpSources.Add(source);
        }
    }

    private static bool ParseBool(IConfiguration section, string key, string value) => value switch
    {
        _ when bool.TryParse(value, out bool parsed) => parsed,
        "1" => true,
        "0" => false,
        _ => throw Invalid(section, key, value, "true or false"),
    };

    private static AssetException Invalid(IConfiguration section, string key, string value, string expected)
    {
        string path = section is IConfigurationSection s ? s.Path + ":" + key : key;
        return new AssetException(AssetDiagnosticIds.InvalidConfiguration, $"Configuration '{path}' is '{value}'; expected {expected}.");
    }
}
