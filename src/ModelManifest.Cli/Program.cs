using System.CommandLine;
using ModelManifest.Cli.Commands;

namespace ModelManifest.Cli;

/// <summary>Entry point of the <c>modelmanifest</c> tool.</summary>
public static class Program
{
    /// <summary>Builds the command tree; each command lives in its own file under Commands/.</summary>
    public static RootCommand CreateRootCommand()
    {
        var root = new RootCommand("modelmanifest: validate model manifests, extract metadata from checkpoints, fetch assets and manage the cache.");
        foreach (Command command in CommandCatalog.Create())
        {
            root.Subcommands.Add(command);
        }

        return root;
    }

    /// <summary>Runs the tool. Parse errors exit with <see cref="ExitCodes.UsageError"/>.</summary>
    public static int Main(string[] args)
    {
        ParseResult parse = CreateRootCommand().Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors)
            {
                Console.Error.WriteLine("error: " + error.Message);
            }

            return ExitCodes.UsageError;
        }

        return parse.Invoke();
    }
}
