using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using ModelManifest.Assets;

namespace ModelManifest.Extensions.DependencyInjection;

/// <summary>Registers the asset engine and the model provider as singletons.</summary>
public static class ModelManifestServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="AssetCache"/>, <see cref="AssetManager"/> (engine messages go to an <see cref="ILogger"/>
    /// named <c>ModelManifest.Assets</c>), <see cref="ModelProvider"/> and <see cref="AssetProvider"/>. Call
    /// <see cref="ModelProvider.RefreshAsync"/> once at start to load the manifests.
    /// </summary>
    public static IServiceCollection AddModelManifest(this IServiceCollection services, Action<ModelManifestOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var builder = services.AddOptions<ModelManifestOptions>();
        if (configure is not null)
        {
            builder.Configure(configure);
        }

        services.AddSingleton(sp => new AssetCache(sp.GetRequiredService<IOptions<ModelManifestOptions>>().Value.CacheRoot ?? AssetCache.DefaultRoot()));
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<ModelManifestOptions>>().Value;
            var logger = sp.GetService<ILoggerFactory>()?.CreateLogger("ModelManifest.Assets") ?? NullLogger.Instance;
            var manager = new AssetManager(sp.GetRequiredService<AssetCache>(), new AssetManagerOptions
            {
                Offline = options.Offline,
                Log = message => logger.LogInformation("{Message}", message),
            });
            if (Bundle(options) is { } bundle)
            {
                manager.AddSource(bundle, int.MinValue);
            }

            foreach (var (source, priority) in options.Sources)
            {
                manager.AddSource(source, priority);
            }

            return manager;
        });
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<ModelManifestOptions>>().Value;
            return new ModelProvider(sp.GetRequiredService<AssetManager>(), options.Manifests, Bundle(options));
        });
        services.AddSingleton(sp => sp.GetRequiredService<ModelProvider>().Assets);
        return services;
    }

    private static BundledAssetSource? Bundle(ModelManifestOptions options) =>
        options.BundleDirectory is { } directory ? new BundledAssetSource(directory) : null;
}
