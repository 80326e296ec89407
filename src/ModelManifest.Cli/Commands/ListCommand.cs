using System.CommandLine;
using System.Text.Json.Nodes;
using Spectre.Console;

namespace ModelManifest.Cli.Commands;

/// <summary><c>ls --registry &lt;url&gt;</c>: the registry's models, optionally searched and filtered.</summary>
internal static class ListCommand
{
    public static Command Create()
    {
        var registry = new RegistryCommandLine();
        var query = new Option<string?>("--query", "-q") { Description = "Text to search model ids and descriptions for." };
        var tag = new Option<string?>("--tag") { Description = "Only models with this tag." };
        var stage = new Option<string?>("--stage") { Description = "Only models with a version in this stage." };
        var framework = new Option<string?>("--framework") { Description = "Only models for this framework." };
        var variable = new Option<string?>("--variable") { Description = "Only models with this input or output variable." };
        var command = registry.Add(new Command("ls", "List the models of a registry.") { query, tag, stage, framework, variable });
        registry.SetAction(command, (host, client, parse) =>
        {
            JsonNode answer = RegistryCommandLine.Wait(client.GetJsonAsync(client.Endpoint.Models(
            [
                new("q", parse.GetValue(query)), new("tag", parse.GetValue(tag)), new("stage", parse.GetValue(stage)),
                new("framework", parse.GetValue(framework)), new("variable", parse.GetValue(variable)),
            ]), CancellationToken.None));
            if (parse.GetValue(registry.Json))
            {
                RegistryCommandLine.WriteJson(host, answer);
                return ExitCodes.Ok;
            }

            var table = new Table().AddColumns("model", "latest", "versions", "aliases", "description");
            foreach (JsonNode? model in answer["models"] as JsonArray ?? [])
            {
                table.AddRow(Text(model?["id"]), Text(model?["latestVersion"]), Text(Join(model?["versions"] as JsonArray)),
                    Text(ShowCommand.Aliases(model?["aliases"] as JsonObject)), Text(model?["description"]));
            }

            host.Console.Write(table);
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>A JSON value as escaped table text ("" when absent).</summary>
    internal static string Text(JsonNode? value) => Markup.Escape(value is JsonValue v && v.TryGetValue(out string? s) ? s : value?.ToJsonString() ?? string.Empty);

    internal static string Join(JsonArray? values) => string.Join(", ", (values ?? []).Select(v => (string?)v));
}
