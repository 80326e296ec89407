using System.Globalization;
using System.Runtime.Loader;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
using ModelManifest.Assets;

namespace ModelManifest.Build.Tasks;

/// <summary>
/// Turns <c>ModelAssetSource</c> items into engine sources: an http(s) URL is an <see cref="HttpAssetSource"/>, an item
/// with <c>Type</c> (and <c>AssemblyFile</c>) is a user source type, anything else is a folder
/// (<see cref="DirectoryAssetSource"/>). Lower <c>Priority</c> is asked first; ties keep item order.
/// </summary>
internal sealed class AssetSourceFactory : IDisposable
{
    /// <summary>Priority of the manifests' own URL hints: after every configured source.</summary>
    public const int UrlHintPriority = int.MaxValue;

    private AssetSourceFactory(List<(IAssetSource, int)> sources) => Sources = sources;

    public IReadOnlyList<(IAssetSource Source, int Priority)> Sources { get; }

    public static AssetSourceFactory Create(ITaskItem[] items, bool useUrlHints, bool hasUrlHints, TaskLoggingHelper log)
    {
        var sources = new List<(IAssetSource, int)>();
        foreach (ITaskItem item in items)
        {
            string spec = item.ItemSpec;
            int priority = ParsePriority(item);
            string type = item.GetMetadata("Type");
            if (type.Length > 0)
            {
                sources.Add((CreateCustom(item, type), priority));
            }
            else if (spec.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || spec.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
            {
                sources.Add((CreateHttp(item), priority));
            }
            else
            {
                string root = item.GetMetadata("FullPath");
                var layout = ParseEnum(item, "Layout", DirectoryLayout.All);
                sources.Add((new DirectoryAssetSource(root, layout), priority));
            }
        }

        if (useUrlHints && hasUrlHints)
        {
            sources.Add((new HttpAssetSource(new HttpAssetSourceOptions { UseUrlHints = true, Name = "manifest urls" }), UrlHintPriority));
        }

        foreach (var (source, priority) in sources.OrderBy(s => s.Item2))
        {
            log.LogMessage(MessageImportance.Low, $"Model asset source {source.Name} (priority {priority.ToString(CultureInfo.InvariantCulture)})");
        }

        return new AssetSourceFactory(sources);
    }

    public void Dispose()
    {
        foreach (var (source, _) in Sources)
        {
            (source as IDisposable)?.Dispose();
        }
    }

    private static HttpAssetSource CreateHttp(ITaskItem item)
    {
        if (!Uri.TryCreate(item.ItemSpec, UriKind.Absolute, out Uri? baseUrl))
        {
            throw new BuildConfigurationException(BuildDiagnosticIds.InvalidSource, null, $"ModelAssetSource '{item.ItemSpec}' is not a valid URL.");
        }

        var options = new HttpAssetSourceOptions { BaseUrl = baseUrl, UseUrlHints = false };
        string template = item.GetMetadata("PathTemplate");
        if (template.Length > 0)
        {
            options.PathTemplate = template;
        }

        string token = item.GetMetadata("TokenEnvironmentVariable");
        string basic = item.GetMetadata("BasicAuthEnvironmentVariable");
        if (token.Length > 0)
        {
            options.Credential = HttpCredential.BearerFromEnvironment(token);
        }
        else if (basic.Length > 0)
        {
            options.Credential = HttpCredential.BasicFromEnvironment(basic);
        }

        return new HttpAssetSource(options);
    }

    /// <summary>
    /// Loads a user source type into the task's own load context, so that its reference to ModelManifest binds to the
    /// engine already loaded here (one <see cref="IAssetSource"/> type). The type needs a public constructor taking
    /// <c>IReadOnlyDictionary&lt;string, string&gt;</c> (the item's metadata plus "Include") or none.
    /// </summary>
    private static IAssetSource CreateCustom(ITaskItem item, string typeName)
    {
        try
        {
            string assemblyFile = item.GetMetadata("AssemblyFile");
            Type? type;
            if (assemblyFile.Length > 0)
            {
                var context = AssemblyLoadContext.GetLoadContext(typeof(IAssetSource).Assembly) ?? AssemblyLoadContext.Default;
                var assembly = context.LoadFromAssemblyPath(Path.GetFullPath(assemblyFile));
                type = assembly.GetType(typeName, throwOnError: false);
            }
            else
            {
                type = Type.GetType(typeName, throwOnError: false);
            }

            if (type is null || !typeof(IAssetSource).IsAssignableFrom(type))
            {
                throw new BuildConfigurationException(BuildDiagnosticIds.CustomSourceFailed, null,
                    $"ModelAssetSource '{item.ItemSpec}': type '{typeName}' was not found in '{assemblyFile}' or does not implement ModelManifest.Assets.IAssetSource.");
            }

            // Keys, not entries: MSBuild's metadata dictionary enumerates KeyValuePairs, not DictionaryEntry.
            System.Collections.IDictionary custom = item.CloneCustomMetadata();
            var settings = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (object key in custom.Keys)
            {
                settings[(string)key] = custom[key] as string ?? string.Empty;
            }

            settings["Include"] = item.ItemSpec;
            var withSettings = type.GetConstructor([typeof(IReadOnlyDictionary<string, string>)]);
            return (IAssetSource)(withSettings is not null ? withSettings.Invoke([settings]) : Activator.CreateInstance(type)!);
        }
        catch (Exception e) when (e is not BuildConfigurationException)
        {
            throw new BuildConfigurationException(BuildDiagnosticIds.CustomSourceFailed, null,
                $"ModelAssetSource '{item.ItemSpec}': could not create '{typeName}': {(e.InnerException ?? e).Message}");
        }
    }

    private static int ParsePriority(ITaskItem item)
    {
        string value = item.GetMetadata("Priority");
        if (value.Length == 0)
        {
            return 0;
        }

        return int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int priority)
            ? priority
            : throw new BuildConfigurationException(BuildDiagnosticIds.InvalidSource, null, $"ModelAssetSource '{item.ItemSpec}': Priority '{value}' is not an integer.");
    }

    private static T ParseEnum<T>(ITaskItem item, string metadata, T fallback)
        where T : struct, Enum
    {
        string value = item.GetMetadata(metadata);
        if (value.Length == 0)
        {
            return fallback;
        }

        return Enum.TryParse(value, ignoreCase: true, out T parsed)
            ? parsed
            : throw new BuildConfigurationException(BuildDiagnosticIds.InvalidSource, null, $"ModelAssetSource '{item.ItemSpec}': {metadata} '{value}' is not one of {string.Join(", ", Enum.GetNames<T>())}.");
    }
}
