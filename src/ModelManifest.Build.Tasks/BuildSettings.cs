using System.Text.RegularExpressions;
using Microsoft.Build.Framework;
using ModelManifest.Assets;

namespace ModelManifest.Build.Tasks;

/// <summary>
/// The task's properties and <c>ModelAssetSource</c> items, checked before anything is read or fetched: every bad value
/// is one MM11xx error (or warning, where the build can still do its job) that names the item or property, the value,
/// and what to write instead. Nothing here opens a connection.
/// </summary>
internal sealed partial class BuildSettings
{
    private static readonly string[] s_booleans = ["true", "false"];

    private BuildSettings(LinkMode linkMode, bool fullVerify, bool offline, bool useUrlHints, bool useLocalCaches, TransferOptions transfer)
    {
        UseLocalCaches = useLocalCaches;
        Transfer = transfer;
        LinkMode = linkMode;
        FullVerify = fullVerify;
        Offline = offline;
        UseUrlHints = useUrlHints;
    }

    public LinkMode LinkMode { get; }

    public bool FullVerify { get; }

    public bool Offline { get; }

    public bool UseUrlHints { get; }

    /// <summary>Whether the Hugging Face cache and Ollama's store are asked first.</summary>
    public bool UseLocalCaches { get; }

    /// <summary>How many assets at once, connections per asset, and the smallest size that is split.</summary>
    public TransferOptions Transfer { get; }

    /// <summary>Checks every property and source item; returns <see langword="null"/> after logging the errors found.</summary>
    public static BuildSettings? Read(ResolveModelAssets task, BuildLog log)
    {
        int errors = 0;
        var linkMode = ParseChoice(task.LinkMode, Names.LinkModeProperty, LinkMode.Auto, log, ref errors);
        var verify = ParseChoice(task.Verify, Names.VerifyProperty, VerifyMode.Fast, log, ref errors);
        bool offline = ParseBoolean(task.Offline, Names.OfflineProperty, false, log, ref errors);
        bool hints = ParseBoolean(task.UseUrlHints, Names.UseUrlHintsProperty, true, log, ref errors);
        bool localCaches = ParseBoolean(task.UseLocalCaches, Names.UseLocalCachesProperty, true, log, ref errors);
        var transfer = new TransferOptions
        {
            MaxConcurrentAssets = (int)ParseCount(task.MaxConcurrentAssets, Names.MaxConcurrentAssetsProperty, TransferOptions.DefaultMaxConcurrentAssets, int.MaxValue, log, ref errors),
            MaxConnectionsPerAsset = (int)ParseCount(task.MaxConnectionsPerAsset, Names.MaxConnectionsPerAssetProperty, TransferOptions.DefaultMaxConnectionsPerAsset, int.MaxValue, log, ref errors),
            MinimumSplitSize = ParseCount(task.MinSplitSize, Names.MinSplitSizeProperty, TransferOptions.DefaultMinimumSplitSize, long.MaxValue, log, ref errors),
        };
        string folder = task.BundleDirectory.Replace('\\', '/');
        if (Path.IsPathRooted(task.BundleDirectory) || folder.Split('/').Contains(".."))
        {
            errors++;
            log.Error(BuildDiagnosticIds.InvalidProperty,
                $"{Names.BundleDirectoryProperty} '{task.BundleDirectory}' must be a folder below the output folder; write a relative path such as 'models'.");
        }

        foreach (ITaskItem item in task.Sources)
        {
            int found = CheckSource(item, log);
            errors += found;
            if (found == 0 && item.GetMetadata(Names.Type).Length == 0)
            {
                WarnMisspeltSettings(item, log);
            }
        }

        return errors == 0 ? new BuildSettings(linkMode, verify == VerifyMode.Full, offline, hints, localCaches, transfer) : null;
    }

    /// <summary>Checks one <c>ModelAssetSource</c> item; returns how many errors it logged (warnings do not count).</summary>
    private static int CheckSource(ITaskItem item, BuildLog log)
    {
        int errors = 0;
        string spec = item.ItemSpec;
        string name = $"{Names.SourceItem} '{spec}'";
        string priority = item.GetMetadata(Names.Priority);
        if (priority.Length > 0 && !int.TryParse(priority, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out _))
        {
            errors++;
            log.Error(BuildDiagnosticIds.InvalidSource, $"{name}: {Names.Priority} '{priority}' is not an integer; write a whole number such as 10 (lower is asked first).");
        }

        string type = item.GetMetadata(Names.Type);
        if (type.Length > 0)
        {
            string assemblyFile = item.GetMetadata(Names.AssemblyFile);
            if (assemblyFile.Length > 0 && !File.Exists(Path.GetFullPath(assemblyFile)))
            {
                errors++;
                log.Error(BuildDiagnosticIds.CustomSourceFailed, $"{name}: {Names.AssemblyFile} '{assemblyFile}' does not exist; write the path of the built assembly that holds '{type}'.");
            }

            return errors;
        }

        Match scheme = UrlScheme().Match(spec);
        bool isHttp = scheme.Success && (scheme.Groups[1].Value.Equals("http", StringComparison.OrdinalIgnoreCase) || scheme.Groups[1].Value.Equals("https", StringComparison.OrdinalIgnoreCase));
        if (scheme.Success && !isHttp)
        {
            if (!AssetSourceFactory.IsKnownScheme(scheme.Groups[1].Value, out string? missingPackage))
            {
                errors++;
                log.Error(BuildDiagnosticIds.InvalidSource, missingPackage is null
                    ? $"{name}: '{scheme.Groups[1].Value}://' is not a supported scheme; write an http:// or https:// URL, a folder path, or a location of a kind listed in docs/sources.md (s3://, azblob://, oci://, hf://, a registry)."
                    : $"{name}: '{scheme.Groups[1].Value}://' sources need the package {missingPackage}, which this build's task folder does not hold.");
            }

            // Every other kind checks its own location and settings where the factory builds it (a clean MM1101 then).
            return errors;
        }

        if (item.GetMetadata(AssetSourceFactory.KindKey).Length > 0)
        {
            return errors; // an explicit kind (e.g. Kind="registry" on an https URL): the factory checks it
        }

        if (isHttp)
        {
            errors += CheckHttp(item, name, log);
            errors += NotFor(item, name, "folder", log, Names.Layout);
        }
        else
        {
            errors += CheckFolder(item, name, log);
            errors += NotFor(item, name, "http(s) URL", log, Names.PathTemplate, Names.TokenEnvironmentVariable, Names.BasicAuthEnvironmentVariable);
        }

        return errors;
    }

    private static int CheckHttp(ITaskItem item, string name, BuildLog log)
    {
        int errors = 0;
        string template = item.GetMetadata(Names.PathTemplate);
        var options = new HttpAssetSourceOptions { UseUrlHints = false };
        if (template.Length > 0)
        {
            options.PathTemplate = template;
        }

        try
        {
            options.BaseUrl = new Uri(item.ItemSpec, UriKind.Absolute);
            new HttpAssetSource(options).Dispose(); // validates the base URL and the template, opens nothing
        }
        catch (UriFormatException)
        {
            errors++;
            log.Error(BuildDiagnosticIds.InvalidSource, $"{name} is not a valid URL; write an absolute URL such as https://models.example.com/.");
        }
        catch (AssetException e)
        {
            errors++;
            string hint = template.Length > 0
                ? $"{Names.PathTemplate} '{template}': {e.Message} Write a path from the tokens {{id}}, {{tag}}, {{fileName}} and {{sha256}}, such as {{id}}/{{tag}}/{{fileName}}."
                : e.Message + " Write the base URL without a query string.";
            log.Error(BuildDiagnosticIds.InvalidSource, $"{name}: {hint}");
        }

        foreach (string metadata in new[] { Names.TokenEnvironmentVariable, Names.BasicAuthEnvironmentVariable })
        {
            string variable = item.GetMetadata(metadata);
            if (variable.Length > 0 && string.IsNullOrEmpty(Environment.GetEnvironmentVariable(variable)))
            {
                log.Warning(BuildDiagnosticIds.CredentialVariableUnset,
                    $"{name}: {metadata} names the environment variable '{variable}', which is not set; requests go without credentials. Set '{variable}' before the build, or remove {metadata}.");
            }
        }

        return errors;
    }

    private static int CheckFolder(ITaskItem item, string name, BuildLog log)
    {
        int errors = 0;
        string layout = item.GetMetadata(Names.Layout);
        if (layout.Length > 0 && !(Enum.TryParse(layout, ignoreCase: true, out DirectoryLayout parsed) && parsed != 0 && (parsed & ~DirectoryLayout.All) == 0 && !char.IsDigit(layout.TrimStart()[0])))
        {
            errors++;
            log.Error(BuildDiagnosticIds.InvalidSource, $"{name}: {Names.Layout} '{layout}' is not a folder layout; write one or more of {string.Join(", ", Enum.GetNames<DirectoryLayout>())} (comma-separated).");
        }

        // A library's folder (flowed to this app) is relative to the library, not to this project.
        string full = item.GetMetadata(Names.ProjectDirectoryMetadata) is { Length: > 0 } library
            ? Path.GetFullPath(item.ItemSpec, library)
            : item.GetMetadata("FullPath");
        if (!Directory.Exists(full))
        {
            log.Warning(BuildDiagnosticIds.SourceFolderMissing,
                $"{name}: the folder '{full}' does not exist, so this source serves nothing. Create it, fix the path, or add Condition=\"Exists('{item.ItemSpec}')\" to the item when only some machines have it.");
        }

        return errors;
    }

    /// <summary>
    /// Metadata one or two letters away from a setting the item's kind reads (<c>Endpiont</c>, <c>Layuot</c>) is a typo
    /// that would otherwise be silently ignored: MM1112. Other metadata is left alone, since items carry metadata of
    /// their own (<c>Visible</c>, <c>Link</c>, a team's own).
    /// </summary>
    private static void WarnMisspeltSettings(ITaskItem item, BuildLog log)
    {
        IReadOnlyCollection<string>? known;
        string kind;
        string kindSetting = item.GetMetadata(AssetSourceFactory.KindKey);
        try
        {
            var settings = kindSetting.Length > 0 ? new Dictionary<string, string> { [AssetSourceFactory.KindKey] = kindSetting } : null;
            known = AssetSourceFactory.SettingNamesOf(item.ItemSpec, settings, out kind);
        }
        catch (AssetException)
        {
            return; // the location's own error comes where the factory builds the source
        }

        if (known is null || known.Count == 0)
        {
            return;
        }

        foreach (string metadata in item.CloneCustomMetadata().Keys.Cast<string>())
        {
            if (metadata.Length < 4 || known.Contains(metadata, StringComparer.OrdinalIgnoreCase))
            {
                continue;
            }

            if (known.FirstOrDefault(setting => EditDistance(setting.ToLowerInvariant(), metadata.ToLowerInvariant()) <= 2) is { } meant)
            {
                log.Warning(BuildDiagnosticIds.MisspeltSourceSetting,
                    $"{Names.SourceItem} '{AssetSourceLocation.Redact(item.ItemSpec)}': metadata '{metadata}' is not a setting of {kind} sources and is ignored; did you mean '{meant}'? Their settings are {string.Join(", ", known.Order(StringComparer.Ordinal))} (docs/sources.md).");
            }
        }
    }

    /// <summary>Levenshtein distance: insertions, deletions and substitutions.</summary>
    private static int EditDistance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (int i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                current[j] = Math.Min(Math.Min(current[j - 1], previous[j]) + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }

    /// <summary>Metadata that only means something for the other kind of source: an error, so a typo never goes unnoticed.</summary>
    private static int NotFor(ITaskItem item, string name, string kind, BuildLog log, params string[] metadataNames)
    {
        int errors = 0;
        foreach (string metadata in metadataNames.Where(m => item.GetMetadata(m).Length > 0))
        {
            errors++;
            log.Error(BuildDiagnosticIds.InvalidSource, $"{name}: {metadata} applies only to a source that is a {kind}; remove it from this item.");
        }

        return errors;
    }

    private static T ParseChoice<T>(string value, string property, T fallback, BuildLog log, ref int errors)
        where T : struct, Enum
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return fallback;
        }

        if (Enum.TryParse(value.Trim(), ignoreCase: true, out T parsed) && Enum.IsDefined(parsed) && !char.IsDigit(value.Trim()[0]))
        {
            return parsed;
        }

        errors++;
        log.Error(BuildDiagnosticIds.InvalidProperty, $"{property} '{value}' is not a valid value; write one of {string.Join(", ", Enum.GetNames<T>())}.");
        return fallback;
    }

    /// <summary>A whole number from 1 to <paramref name="max"/>; empty means <paramref name="fallback"/>.</summary>
    private static long ParseCount(string value, string property, long fallback, long max, BuildLog log, ref int errors)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return fallback;
        }

        if (long.TryParse(value.Trim(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long parsed) && parsed >= 1 && parsed <= max)
        {
            return parsed;
        }

        errors++;
        log.Error(BuildDiagnosticIds.InvalidProperty, $"{property} '{value}' is not a valid value; write a whole number from 1 to {max.ToString(System.Globalization.CultureInfo.InvariantCulture)} (default {fallback.ToString(System.Globalization.CultureInfo.InvariantCulture)}).");
        return fallback;
    }

    private static bool ParseBoolean(string value, string property, bool fallback, BuildLog log, ref int errors)
    {
        switch (value.Trim().ToLowerInvariant())
        {
            case "":
                return fallback;
            case "true" or "1" or "yes" or "on":
                return true;
            case "false" or "0" or "no" or "off":
                return false;
            default:
                errors++;
                log.Error(BuildDiagnosticIds.InvalidProperty, $"{property} '{value}' is not a valid value; write {string.Join(" or ", s_booleans)}.");
                return fallback;
        }
    }

    /// <summary>"scheme://" at the start: a URL, as opposed to a folder (a drive letter has one letter and no "//").</summary>
    [GeneratedRegex(@"^([A-Za-z][A-Za-z0-9+.\-]+)://")]
    private static partial Regex UrlScheme();

    private enum VerifyMode
    {
        Fast,
        Full,
    }
}
