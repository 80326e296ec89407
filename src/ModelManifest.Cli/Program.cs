using System.CommandLine;
using System.CommandLine.Help;
using ModelManifest.Cli.Commands;

namespace ModelManifest.Cli;

/// <summary>Entry point of the <c>modelmanifest</c> tool.</summary>
public static class Program
{
    /// <summary>The command name users type (the tool's ToolCommandName); help shows it instead of the assembly name.</summary>
    public const string ToolName = "modelmanifest";

    /// <summary>
    /// Builds the command tree; each command lives in its own file under Commands/. A plain <see cref="Command"/>
    /// named <see cref="ToolName"/> with help and version options, because <see cref="RootCommand"/> always takes
    /// its name from the executable (ModelManifest.Cli).
    /// </summary>
    public static Command CreateRootCommand()
    {
        var root = new Command(ToolName, "modelmanifest: validate model manifests, extract metadata from checkpoints, fetch assets and manage the cache.")
        {
            new HelpOption(),
            new VersionOption(),
        };
        foreach (Command command in CommandCatalog.Create())
        {
            root.Subcommands.Add(command);
        }

        return root;
    }

    /// <summary>Runs the tool. Parse errors, and an unknown option taken for an argument, exit with <see cref="ExitCodes.UsageError"/>.</summary>
    public static int Main(string[] args)
    {
        ParseResult parse = CreateRootCommand().Parse(args);
        var errors = parse.Errors.Select(e => e.Message).Concat(UnknownOptions(parse, args)).ToList();
        if (errors.Count > 0)
        {
            foreach (string error in errors)
            {
                Console.Error.WriteLine("error: " + error);
            }

            return ExitCodes.UsageError;
        }

        return parse.Invoke();
    }

    /// <summary>
    /// System.CommandLine hands an unknown <c>--option</c> to a command's argument (so <c>verify --bogus</c> would look
    /// for a file named "--bogus"); an argument value that looks like an option is an error unless it follows <c>--</c>.
    /// </summary>
    private static IEnumerable<string> UnknownOptions(ParseResult parse, string[] args)
    {
        if (args.Contains("--"))
        {
            return [];
        }

        return parse.CommandResult.Children.OfType<System.CommandLine.Parsing.ArgumentResult>()
            .SelectMany(a => a.Tokens)
            .Where(t => t.Value.Length > 1 && t.Value[0] == '-')
            .Select(t => $"unknown option '{t.Value}' (use -- before an argument that starts with '-').");
    }
}
