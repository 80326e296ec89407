using System.Reflection;
using System.Runtime.Loader;

namespace ModelManifest.Assets;

/// <summary>
/// The source kinds the factory knows beyond its built-in ones (folders, <c>file://</c>, <c>http(s)://</c>): providers
/// registered here, and the project's optional source packages, loaded by assembly name the first time their scheme is
/// used so that referencing the package is all it takes.
/// </summary>
public static class AssetSourceProviders
{
    /// <summary>
    /// Schemes served by the project's own optional packages, and the package (= assembly) that serves each. An app that
    /// does not reference the package never loads a cloud SDK; one that does needs no registration code.
    /// </summary>
    private static readonly Dictionary<string, string> s_optionalPackages = new(StringComparer.OrdinalIgnoreCase)
    {
        ["s3"] = "ModelManifest.Sources.S3",
        ["azblob"] = "ModelManifest.Sources.Azure",
    };

    /// <summary>Kinds the core serves itself (they need nothing beyond HttpClient and the file system).</summary>
    private static readonly IAssetSourceProvider[] s_builtIn =
    [
        new OciAssetSourceProvider(),
        new HuggingFaceSourceProvider(),
        new LocalCacheSourceProvider(),
        new RegistryAssetSourceProvider(),
    ];

    private static readonly object s_gate = new();
    private static readonly Dictionary<string, IAssetSourceProvider> s_providers = new(StringComparer.OrdinalIgnoreCase);
    private static readonly HashSet<string> s_loadedAssemblies = new(StringComparer.OrdinalIgnoreCase);

    static AssetSourceProviders()
    {
        foreach (IAssetSourceProvider provider in s_builtIn)
        {
            Register(provider);
        }
    }

    /// <summary>Adds (or replaces) the provider of each of <paramref name="provider"/>'s schemes.</summary>
    public static void Register(IAssetSourceProvider provider)
    {
        ArgumentNullException.ThrowIfNull(provider);
        lock (s_gate)
        {
            foreach (string scheme in provider.Schemes)
            {
                s_providers[scheme] = provider;
            }
        }
    }

    /// <summary>The provider of <paramref name="scheme"/>, loading the optional package that serves it when needed.</summary>
    /// <param name="scheme">The scheme, without <c>:</c>.</param>
    /// <param name="provider">The provider, when found.</param>
    /// <param name="missingPackage">When not found and an optional package of this project serves the scheme: its name.</param>
    internal static bool TryGet(string scheme, out IAssetSourceProvider provider, out string? missingPackage)
    {
        missingPackage = null;
        lock (s_gate)
        {
            if (s_providers.TryGetValue(scheme, out provider!))
            {
                return true;
            }

            if (!s_optionalPackages.TryGetValue(scheme, out string? package) || !s_loadedAssemblies.Add(package))
            {
                missingPackage = package;
                return false;
            }

            if (TryLoad(package) is { } assembly)
            {
                foreach (var attribute in assembly.GetCustomAttributes<AssetSourceProviderAttribute>())
                {
                    var created = (IAssetSourceProvider)Activator.CreateInstance(attribute.ProviderType)!;
                    foreach (string name in created.Schemes)
                    {
                        s_providers.TryAdd(name, created);
                    }
                }
            }

            if (s_providers.TryGetValue(scheme, out provider!))
            {
                return true;
            }

            missingPackage = package;
            return false;
        }
    }

    /// <summary>
    /// Loads an optional package's assembly in the load context of this engine (the app's default context, or the
    /// MSBuild task's own context, which resolves the task folder), so its <see cref="IAssetSourceProvider"/> is ours.
    /// </summary>
    private static Assembly? TryLoad(string assemblyName)
    {
        try
        {
            var context = AssemblyLoadContext.GetLoadContext(typeof(AssetSourceProviders).Assembly) ?? AssemblyLoadContext.Default;
            return context.LoadFromAssemblyName(new AssemblyName(assemblyName));
        }
        catch (Exception e) when (e is FileNotFoundException or FileLoadException or BadImageFormatException)
        {
            return null;
        }
    }
}
