using System.CommandLine;
using System.CommandLine.Parsing;
using System.Text.RegularExpressions;
using ModelManifest.Assets;
using ModelManifest.Cli.Output;

namespace ModelManifest.Cli.Commands;

/// <summary>
/// A source (or push target) as written on the command line: its location and the <c>--source-setting Name=Value</c>
/// options written after it, the same settings a <c>ModelAssetSource</c> item carries as metadata (<c>Endpoint</c>,
/// <c>Layout</c>, <c>Profile</c>, <c>Kind</c>, …). A setting belongs to the nearest <c>--source</c> (or <c>--to</c>)
/// before it, so several sources can each have their own.
/// </summary>
internal sealed partial record SourceSpec(string Location, IReadOnlyDictionary<string, string> Settings)
{
    /// <summary>The option's name, as users type it.</summary>
    public const string SettingOptionName = "--source-setting";

    /// <summary>The repeatable <c>--source-setting</c> option.</summary>
    /// <param name="owners">What a setting attaches to, for the help text (e.g. "--source").</param>
    public static Option<string[]> CreateSettingOption(string owners) => new(SettingOptionName)
    {
        HelpName = "Name=Value",
        Description = $"A setting of the {owners} written just before it, as Name=Value (repeatable), e.g. Endpoint=https://host/account, Layout=Sha256, Profile=ci, Kind=registry; the settings of ModelAssetSource items (docs/sources.md). Values name environment variables, never secrets.",
    };

    /// <summary>
    /// The values of each option in <paramref name="owners"/> (<c>--source</c>, <c>--to</c>, …) in the order given, each
    /// with the <c>--source-setting</c>s written after it and before the next such option.
    /// </summary>
    /// <exception cref="CliException">A setting is not Name=Value, comes before any location, or is given twice.</exception>
    public static IReadOnlyDictionary<Option, IReadOnlyList<SourceSpec>> FromCommandLine(ParseResult parse, Option<string[]> settingOption, params Option[] owners)
    {
        var given = owners.ToDictionary(o => o, o => parse.GetResult(o) is { } result ? result.Tokens.Select(t => t.Value).ToList() : []);
        if ((parse.GetValue(settingOption) ?? []).Length == 0)
        {
            return owners.ToDictionary(o => o, o => (IReadOnlyList<SourceSpec>)[.. given[o].Select(location => new SourceSpec(location, new Dictionary<string, string>()))]);
        }

        var specs = new List<(Option Owner, SourceSpec Spec)>();
        Option? current = null; // the option that the next argument tokens belong to
        foreach (Token token in parse.Tokens)
        {
            if (token.Type == TokenType.Option)
            {
                current = owners.Append(settingOption).FirstOrDefault(o => o.Name == token.Value || o.Aliases.Contains(token.Value));
                continue;
            }

            if (token.Type != TokenType.Argument || current is null)
            {
                current = null;
                continue;
            }

            if (current == settingOption)
            {
                if (specs.Count == 0)
                {
                    throw new CliException(Diagnostics.InvalidOptions, $"{SettingOptionName} {NameOf(token.Value)}=… comes before any {string.Join(" or ", owners.Select(o => o.Name))}; write it after the location it belongs to");
                }

                Add((Dictionary<string, string>)specs[^1].Spec.Settings, token.Value, specs[^1].Spec.Location);
                current = null;
                continue;
            }

            specs.Add((current, new SourceSpec(token.Value, new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase))));
            if (!current.AllowMultipleArgumentsPerToken)
            {
                current = null;
            }
        }

        // The walk must see what the parser saw; anything unusual (a response file, say) is refused rather than guessed.
        var byOwner = owners.ToDictionary(o => o, o => (IReadOnlyList<SourceSpec>)[.. specs.Where(s => s.Owner == o).Select(s => s.Spec)]);
        if (owners.Any(o => !byOwner[o].Select(s => s.Location).SequenceEqual(given[o], StringComparer.Ordinal)))
        {
            throw new CliException(Diagnostics.InvalidOptions, $"{SettingOptionName}: write each setting right after the location it belongs to, as separate arguments");
        }

        return byOwner;
    }

    /// <summary>The settings to build the source with: the given ones, then <paramref name="defaults"/> where not given.</summary>
    public IReadOnlyDictionary<string, string> With(IReadOnlyDictionary<string, string> defaults)
    {
        var merged = new Dictionary<string, string>(Settings, StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in defaults)
        {
            merged.TryAdd(key, value);
        }

        return merged;
    }

    /// <summary>Checks the given settings against those the location's kind reads.</summary>
    /// <param name="optionName">The option that named the location, for the message ("--source", "--to").</param>
    /// <param name="defaults">Settings the command adds (a <c>Kind</c> for <c>--registry</c>): they select the kind but are not checked.</param>
    /// <param name="pushTarget">Whether the location is a push target.</param>
    public void CheckSettings(string optionName, IReadOnlyDictionary<string, string>? defaults = null, bool pushTarget = false)
    {
        if (Settings.Count == 0)
        {
            return;
        }

        try
        {
            AssetSourceFactory.CheckSettingNames(Location, With(defaults ?? new Dictionary<string, string>()), Settings.Keys, pushTarget);
        }
        catch (AssetException e)
        {
            throw new CliException(e.Code, $"{optionName}: {e.Reason}");
        }
    }

    private static void Add(Dictionary<string, string> settings, string text, string location)
    {
        int equals = text.IndexOf('=', StringComparison.Ordinal);
        string name = equals < 0 ? string.Empty : text[..equals].Trim();
        if (!SettingName().IsMatch(name) || text[(equals + 1)..].Trim().Length == 0)
        {
            // The value is never echoed: a user may have pasted a secret where an environment variable's name belongs.
            throw new CliException(Diagnostics.InvalidOptions, $"{SettingOptionName} {NameOf(text)}: write Name=Value, e.g. Endpoint=https://127.0.0.1:10000/devstoreaccount1 or Layout=Sha256");
        }

        if (!settings.TryAdd(name, text[(equals + 1)..].Trim()))
        {
            throw new CliException(Diagnostics.InvalidOptions, $"{SettingOptionName} {name} is given twice for '{AssetSourceLocation.Redact(location)}'; keep one");
        }
    }

    /// <summary>The part before '=' when it looks like a name, for messages (never the value).</summary>
    private static string NameOf(string text)
    {
        int equals = text.IndexOf('=', StringComparison.Ordinal);
        string name = equals < 0 ? text : text[..equals];
        return SettingName().IsMatch(name) ? name : "(setting)";
    }

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9]*$", RegexOptions.CultureInvariant)]
    private static partial Regex SettingName();
}
