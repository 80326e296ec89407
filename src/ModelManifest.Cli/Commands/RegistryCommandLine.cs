using System.CommandLine;
using System.Text.Json.Nodes;
using ModelManifest.Assets;
using ModelManifest.Cli.Output;

namespace ModelManifest.Cli.Commands;

/// <summary>
/// What every registry command shares (<c>pull</c>, <c>register</c>, <c>alias</c>, <c>token</c>, <c>ls</c>, <c>show</c>):
/// the <c>--registry</c>, <c>--token-env</c> and <c>--json</c> options, the client they make, and the mapping of the
/// registry's refusals (<c>MM3xxx</c> problems, network failures) to one error line and an exit code.
/// </summary>
internal sealed class RegistryCommandLine
{
    /// <summary>The registry's base URL.</summary>
    public Option<string> Registry { get; } = new("--registry")
    {
        Description = "The registry's base URL (https://host[:port]/[prefix], or registry+https://…).",
        Required = true,
        Recursive = true,
    };

    /// <summary>The environment variable that holds the bearer token.</summary>
    public Option<string?> TokenEnv { get; } = new("--token-env")
    {
        Description = "Environment variable holding the registry token (writes need one; reads when the registry requires it).",
        Recursive = true,
    };

    /// <summary>Print JSON instead of text.</summary>
    public Option<bool> Json { get; } = new("--json") { Description = "Print the result as JSON.", Recursive = true };

    /// <summary>Adds the three options to <paramref name="command"/> (recursive: its subcommands take them too).</summary>
    public Command Add(Command command)
    {
        command.Options.Add(Registry);
        command.Options.Add(TokenEnv);
        command.Options.Add(Json);
        return command;
    }

    /// <summary>
    /// Runs a command body with a registry client. A refusal of the registry prints <c>error MM3xxx: detail</c> and exits
    /// <see cref="ExitCodes.UsageError"/>, as does a registry that cannot be reached (<c>MM1006</c>); never a token.
    /// </summary>
    public void SetAction(Command command, Func<CommandHost, RegistryClient, ParseResult, int> body) =>
        command.SetAction(parse => CommandHost.Run(parse, host =>
        {
            using RegistryClient client = CreateClient(parse.GetValue(Registry)!, parse.GetValue(TokenEnv));
            try
            {
                return body(host, client, parse);
            }
            catch (AssetException e)
            {
                throw new CliException(e.Code, client.Scrub(e.Reason));
            }
        }));

    /// <summary>A client of <paramref name="url"/>; a token variable that is named but not set is an error, not an anonymous call.</summary>
    public static RegistryClient CreateClient(string url, string? tokenVariable) =>
        new(Endpoint(url), Credential(tokenVariable));

    /// <summary>The registry a <c>--registry</c> value names; never echoes a URL that may carry a secret.</summary>
    public static RegistryEndpoint Endpoint(string url) =>
        RegistryEndpoint.TryParse(url, out var endpoint, out string? problem)
            ? endpoint!
            : throw new CliException(Diagnostics.InvalidOptions, "--registry " + problem);

    /// <summary>The bearer credential of <c>--token-env</c>, or null without it.</summary>
    public static HttpCredential? Credential(string? tokenVariable)
    {
        if (tokenVariable is null)
        {
            return null;
        }

        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable(tokenVariable)))
        {
            throw new CliException(Diagnostics.InvalidOptions, $"--token-env {tokenVariable}: that environment variable is not set");
        }

        return HttpCredential.BearerFromEnvironment(tokenVariable);
    }

    /// <summary>Splits <c>id@version</c> (or <c>id@alias</c>); the part after '@' is null when absent.</summary>
    public static (string Id, string? Version) Reference(string text)
    {
        int at = text.LastIndexOf('@');
        return at > 0 && at < text.Length - 1 ? (text[..at], text[(at + 1)..]) : (text.TrimEnd('@'), null);
    }

    /// <summary>The registry's JSON answer as the command's <c>--json</c> output, led by <c>formatVersion</c>.</summary>
    public static void WriteJson(CommandHost host, JsonNode? answer)
    {
        var output = new JsonObject { ["formatVersion"] = Commands.Json.FormatVersion };
        if (answer is JsonObject fields)
        {
            foreach (var (key, value) in fields)
            {
                output[key] = value?.DeepClone();
            }
        }

        host.Output.WriteLine(output.ToJsonString(Commands.Json.Indented));
    }

    /// <summary>Runs an async registry call from a synchronous command body.</summary>
    public static T Wait<T>(Task<T> task) => task.GetAwaiter().GetResult();
}
