using System.Globalization;
using System.Runtime.Loader;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
using ModelManifest.Assets;

namespace ModelManifest.Build.Tasks;

/// <summary>
/// Turns <c>ModelAssetSource</c> items into engine sources: an item with <c>Type</c> (and <c>AssemblyFile</c>) is a
/// user source type; any other item is a location that the runtime's <see cref="AssetSourceFactory"/> builds (the same
/// forms and settings as the CLI's <c>--source</c>). Lower <c>Priority</c> is asked first; ties keep item order.
/// </summary>
internal sealed class ModelAssetSourceItems : IDisposable
{
    private ModelAssetSourceItems(List<(IAssetSource, int)> sources) => Sources = sources;

    public IReadOnlyList<(IAssetSource Source, int Priority)> Sources { get; }

    public static ModelAssetSourceItems Create(ITaskItem[] items, bool useUrlHints, bool hasUrlHints, TaskLoggingHelper log)
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
            else
            {
                sources.Add((CreateFromLocation(item, spec), priority));
            }
        }

        if (useUrlHints && hasUrlHints)
        {
            sources.Add((AssetSourceFactory.CreateUrlHints(), AssetSourceFactory.UrlHintPriority));
        }

        foreach (var (source, priority) in sources.OrderBy(s => s.Item2))
        {
            log.LogMessage(MessageImportance.Low, $"Model asset source {source.Name} (priority {priority.ToString(CultureInfo.InvariantCulture)})");
        }

        return new ModelAssetSourceItems(sources);
    }

    public void Dispose()
    {
        foreach (var (source, _) in Sources)
        {
            (source as IDisposable)?.Dispose();
        }
    }

    /// <summary>
    /// A location item: relative folders resolve against the current directory, which MSBuild sets to the project's
    /// folder while a task runs (as the item's FullPath does).
    /// </summary>
    private static IAssetSource CreateFromLocation(ITaskItem item, string spec)
    {
        try
        {
            return AssetSourceFactory.Create(spec, Metadata(item), BaseDirectory(item));
        }
        catch (AssetException e)
        {
            throw new BuildConfigurationException(BuildDiagnosticIds.InvalidSource, null, $"ModelAssetSource: {e.Reason}");
        }
    }

    /// <summary>
    /// The sources to record beside the app (<see cref="BuildSources"/>): location items only, folders made absolute,
    /// settings without the build's own bookkeeping; never a location that carries user info or a query.
    /// </summary>
    public static BuildSources Record(ITaskItem[] items, TaskLoggingHelper log)
    {
        var entries = new List<BuildSourceEntry>();
        foreach (ITaskItem item in items.Where(i => i.GetMetadata("Type").Length == 0))
        {
            string location = item.ItemSpec.Trim();
            if (!BuildSources.IsRecordable(location))
            {
                log.LogMessage(MessageImportance.Low, $"Model asset source {AssetSourceLocation.Redact(location)} is not recorded for the runtime: its location carries credentials or a query.");
                continue;
            }

            if (!location.Contains("://", StringComparison.Ordinal) && !IsKindOtherThanFolder(item))
            {
                location = Path.GetFullPath(location, BaseDirectory(item) ?? Directory.GetCurrentDirectory());
            }

            var settings = Metadata(item).Where(p => p.Value.Length > 0 && !p.Key.Equals("Priority", StringComparison.OrdinalIgnoreCase))
                .ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
            entries.Add(new BuildSourceEntry { Location = location, Priority = ParsePriority(item), Settings = settings.Count == 0 ? null : settings });
        }

        return new BuildSources { Sources = entries };
    }

    private static bool IsKindOtherThanFolder(ITaskItem item) =>
        item.GetMetadata(AssetSourceFactory.KindKey) is { Length: > 0 } kind && !kind.Equals("folder", StringComparison.OrdinalIgnoreCase);

    /// <summary>A library's source item (flowed to the app) is relative to the library's folder, not the app's.</summary>
    private static string? BaseDirectory(ITaskItem item) =>
        item.GetMetadata(Names.ProjectDirectoryMetadata) is { Length: > 0 } directory ? directory : null;

    /// <summary>
    /// The item's own metadata (keys, not entries: MSBuild's dictionary enumerates KeyValuePairs), without the
    /// bookkeeping MSBuild and our targets add to items that come from referenced projects.
    /// </summary>
    private static Dictionary<string, string> Metadata(ITaskItem item)
    {
        System.Collections.IDictionary custom = item.CloneCustomMetadata();
        var settings = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (object key in custom.Keys)
        {
            string name = (string)key;
            if (name.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase) || name.StartsWith("ModelManifest", StringComparison.OrdinalIgnoreCase)
                || name.Equals("OriginalItemSpec", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            settings[name] = custom[key] as string ?? string.Empty;
        }

        return settings;
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

            var settings = Metadata(item);
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
}
