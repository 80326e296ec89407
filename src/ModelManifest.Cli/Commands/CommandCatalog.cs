using System.CommandLine;

namespace ModelManifest.Cli.Commands;

/// <summary>The list of subcommands; adding a command is one line here.</summary>
internal static class CommandCatalog
{
    public static IEnumerable<Command> Create()
    {
        yield return ValidateCommand.Create();
        yield return ExtractCommand.Create();
        yield return VerifyCommand.Create();
        yield return VerifyCommand.CreateWorker();
        yield return UpdateMetadataCommand.Create();
        yield return LogRunCommand.Create();
        yield return CompareRunsCommand.Create();
        yield return FetchCommand.Create();
        yield return PushCommand.Create();
        yield return CacheCommand.Create();
    }
}
