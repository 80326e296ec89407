using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using ModelManifest;
using ModelManifest.Assets;
using ModelManifest.Extensions.DependencyInjection;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the ModelManifest asset engine and model provider (the Microsoft.Extensions conventions: TryAdd, options, ILogger, IHttpClientFactory).</summary>
public static class ModelManifestServiceCollectionExtensions
{
    /// <summary>
    /// Registers, once (<c>TryAdd</c>), <see cref="AssetCache"/>, <see cref="AssetManager"/> (messages to
    /// <see cref="ILogger{AssetManager}"/>, metrics on the host's <see cref="IMeterFactory"/>), <see cref="ModelProvider"/>
    /// and <see cref="AssetProvider"/> as singletons, and the <see cref="ModelManifestOptions.HttpClientName"/> HTTP client.
    /// Call <see cref="ModelProvider.RefreshAsync"/> at start when a manifest source reads files or the network.
    /// </summary>
    public static IServiceCollection AddModelManifest(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<ModelManifestOptions>();
        AddServices(services);
        return services;
    }

    /// <summary>As <see cref="AddModelManifest(IServiceCollection)"/>, then applies <paramref name="configure"/> to the options.</summary>
    public static IServiceCollection AddModelManifest(this IServiceCollection services, Action<ModelManifestOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        AddModelManifest(services).Configure(configure);
        return services;
    }

    /// <summary>
    /// As <see cref="AddModelManifest(IServiceCollection)"/>, with the settings read from
    /// <paramref name="configuration"/> (for example <c>builder.Configuration.GetSection("ModelManifest")</c>):
    /// <c>CacheRoot</c>, <c>Offline</c>, <c>BundleDirectory</c> and <c>HttpSources</c> (items with <c>BaseUrl</c>,
    /// <c>PathTemplate</c>, <c>UseUrlHints</c>, <c>Name</c>, <c>Priority</c>).
    /// </summary>
    public static IServiceCollection AddModelManifest(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return AddModelManifest(services, options => ModelManifestConfiguration.Bind(configuration, options));
    }

    /// <summary>Reads the settings from <paramref name="configuration"/>, then applies <paramref name="configure"/> (sources, catalog).</summary>
    public static IServiceCollection AddModelManifest(this IServiceCollection services, IConfiguration configuration, Action<ModelManifestOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(configure);
        return AddModelManifest(services, options =>
        {
            ModelManifestConfiguration.Bind(configuration, options);
            configure(options);
        });
    }

    private static void AddServices(IServiceCollection services)
    {
        services.AddHttpClient(ModelManifestOptions.HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(static () => new SocketsHttpHandler
            {
                // HttpAssetSource follows redirects itself (credentials never cross hosts) and hashes the bytes as sent.
                AllowAutoRedirect = false,
                AutomaticDecompression = DecompressionMethods.None,
            });

        services.TryAddSingleton(sp => new AssetCache(Options(sp).CacheRoot ?? AssetCache.DefaultRoot()));
        services.TryAddSingleton(sp =>
        {
            var options = Options(sp);
            var manager = new AssetManager(sp.GetRequiredService<AssetCache>(), new AssetManagerOptions
            {
                Offline = options.Offline,
                Logger = sp.GetService<ILogger<AssetManager>>() ?? NullLogger<AssetManager>.Instance,
                MeterFactory = sp.GetService<IMeterFactory>(),
            });
            if (Bundle(options) is { } bundle)
            {
                manager.AddSource(bundle, int.MinValue);
            }

            foreach (var (source, priority) in options.Sources)
            {
                manager.AddSource(source, priority);
            }

            foreach (var (source, priority) in BuildSourcesOf(options, sp.GetService<ILogger<AssetManager>>() ?? (ILogger)NullLogger.Instance))
            {
                manager.AddSource(source, priority);
            }

            var handlers = sp.GetRequiredService<IHttpMessageHandlerFactory>();
            foreach (ModelManifestHttpSource http in options.HttpSources)
            {
                // The factory's handler is pooled and rotated by the factory; disposing the source leaves it alone.
                manager.AddSource(new HttpAssetSource(http.ToOptions(handlers.CreateHandler(ModelManifestOptions.HttpClientName))), http.Priority);
            }

            return manager;
        });
        services.TryAddSingleton(sp =>
        {
            var options = Options(sp);
            var provider = new ModelProvider(sp.GetRequiredService<AssetManager>(), options.Manifests, Bundle(options));
            if (options.Manifests.Count > 0 && options.Manifests.All(m => m is DocumentManifestSource))
            {
                // In-memory manifests only (the build's catalog): loading them does no I/O and completes at once, so
                // the provider starts with its models instead of an empty snapshot.
                provider.RefreshAsync().GetAwaiter().GetResult();
            }

            return provider;
        });
        services.TryAddSingleton(sp => sp.GetRequiredService<ModelProvider>().Assets);
    }

    private static ModelManifestOptions Options(IServiceProvider services) => services.GetRequiredService<IOptions<ModelManifestOptions>>().Value;

    /// <summary>The sources the build recorded beside the app (<c>modelmanifest.sources.json</c>), unless turned off.</summary>
    private static List<(IAssetSource Source, int Priority)> BuildSourcesOf(ModelManifestOptions options, ILogger logger)
    {
        if (!options.UseBuildSources || options.BundleDirectory is not { } directory)
        {
            return [];
        }

        try
        {
            return BuildSources.Load(directory)?.CreateSources(logger) ?? [];
        }
        catch (AssetException e)
        {
            logger.LogWarning("{Reason} The build's sources are not used.", e.Message);
            return [];
        }
    }

    private static BundledAssetSource? Bundle(ModelManifestOptions options) =>
        options.BundleDirectory is { } directory ? new BundledAssetSource(directory) : null;
}
