using System.CommandLine;
using System.Net.Http;
using System.Text.Json.Nodes;
using Spectre.Console;

namespace ModelManifest.Cli.Commands;

/// <summary><c>alias set &lt;id&gt; &lt;alias&gt; &lt;version&gt;</c> and <c>alias ls &lt;id&gt;</c>: a registry model's aliases (moved atomically, history kept).</summary>
internal static class AliasCommand
{
    public static Command Create()
    {
        var registry = new RegistryCommandLine();
        var command = registry.Add(new Command("alias", "Point a registry model's alias (production, candidate, …) at a version, or list its aliases."));

        var id = new Argument<string>("model") { Description = "The model id." };
        var alias = new Argument<string>("alias") { Description = "The alias (lower case letters, digits and '-')." };
        var version = new Argument<string>("version") { Description = "The version it points to from now on." };
        var set = new Command("set", "Point an alias at a version (the move is atomic and recorded in the history).") { id, alias, version };
        registry.SetAction(set, (host, client, parse) =>
        {
            string model = parse.GetValue(id)!;
            var (_, answer) = RegistryCommandLine.Wait(client.SendJsonAsync(HttpMethod.Put, client.Endpoint.Alias(model, parse.GetValue(alias)!),
                new JsonObject { ["version"] = parse.GetValue(version) }, CancellationToken.None));
            if (parse.GetValue(registry.Json))
            {
                RegistryCommandLine.WriteJson(host, answer);
            }
            else
            {
                string from = (string?)answer?["previousVersion"] is { } previous ? $" (was {previous})" : " (new)";
                host.Output.WriteLine($"{model}: {(string?)answer?["alias"] ?? parse.GetValue(alias)} -> {(string?)answer?["version"] ?? parse.GetValue(version)}{from}");
            }

            return ExitCodes.Ok;
        });

        var listId = new Argument<string>("model") { Description = "The model id." };
        var ls = new Command("ls", "List a model's aliases and their history.") { listId };
        registry.SetAction(ls, (host, client, parse) =>
        {
            JsonNode answer = RegistryCommandLine.Wait(client.GetJsonAsync(client.Endpoint.Aliases(parse.GetValue(listId)!), CancellationToken.None));
            if (parse.GetValue(registry.Json))
            {
                RegistryCommandLine.WriteJson(host, answer);
                return ExitCodes.Ok;
            }

            var table = new Table().AddColumns("alias", "version", "updated");
            foreach (JsonNode? row in answer["aliases"] as JsonArray ?? [])
            {
                table.AddRow(ListCommand.Text(row?["alias"]), ListCommand.Text(row?["version"]), ListCommand.Text(row?["updatedAt"]));
            }

            host.Console.Write(table);
            var history = new Table().AddColumns("changed", "alias", "from", "to", "by");
            foreach (JsonNode? row in answer["history"] as JsonArray ?? [])
            {
                history.AddRow(ListCommand.Text(row?["changedAt"]), ListCommand.Text(row?["alias"]), ListCommand.Text(row?["previousVersion"]),
                    ListCommand.Text(row?["version"]), ListCommand.Text(row?["changedBy"]));
            }

            host.Console.Write(history);
            return ExitCodes.Ok;
        });

        command.Subcommands.Add(set);
        command.Subcommands.Add(ls);
        return command;
    }
}
