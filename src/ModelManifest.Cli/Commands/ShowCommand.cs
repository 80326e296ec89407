using System.CommandLine;
using System.Text.Json.Nodes;
using Spectre.Console;

namespace ModelManifest.Cli.Commands;

/// <summary>
/// <c>show &lt;id&gt;[@version|@alias] --registry &lt;url&gt;</c>: one model (its versions, aliases and stages), or one
/// version (its assets and manifest entry).
/// </summary>
internal static class ShowCommand
{
    public static Command Create()
    {
        var registry = new RegistryCommandLine();
        var model = new Argument<string>("model") { Description = "A model id, or id@version, or id@alias." };
        var command = registry.Add(new Command("show", "Show a model of a registry, or one of its versions.") { model });
        registry.SetAction(command, (host, client, parse) =>
        {
            var (id, version) = RegistryCommandLine.Reference(parse.GetValue(model)!);
            Uri url = version is null ? client.Endpoint.Model(id) : client.Endpoint.Version(id, version);
            JsonNode answer = RegistryCommandLine.Wait(client.GetJsonAsync(url, CancellationToken.None));
            if (parse.GetValue(registry.Json))
            {
                RegistryCommandLine.WriteJson(host, answer);
                return ExitCodes.Ok;
            }

            var table = new Table().AddColumns("field", "value");
            if (version is null)
            {
                table.AddRow("model", ListCommand.Text(answer["id"]));
                table.AddRow("description", ListCommand.Text(answer["description"]));
                table.AddRow("latest", ListCommand.Text(answer["latestVersion"]));
                table.AddRow("versions", Markup.Escape(ListCommand.Join(answer["versions"] as JsonArray)));
                table.AddRow("aliases", Markup.Escape(Aliases(answer["aliases"] as JsonObject)));
                table.AddRow("stages", Markup.Escape(Aliases(answer["stages"] as JsonObject)));
            }
            else
            {
                table.AddRow("model", ListCommand.Text(answer["id"]));
                table.AddRow("version", ListCommand.Text(answer["version"]));
                table.AddRow("stage", ListCommand.Text(answer["stage"]));
                table.AddRow("published", ListCommand.Text(answer["publishedAt"]));
                foreach (JsonNode? asset in answer["assets"] as JsonArray ?? [])
                {
                    string tag = (string?)asset?["tag"] is { } t ? ":" + t : string.Empty;
                    table.AddRow("asset", Markup.Escape($"{(string?)asset?["id"]}{tag} {(string?)asset?["fileName"]} {CacheCommand.Size((long?)asset?["size"] ?? 0)} sha256 {(string?)asset?["sha256"]}"));
                }
            }

            host.Console.Write(table);
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>"production=1.2.0, candidate=1.3.0" from a name → version object.</summary>
    internal static string Aliases(JsonObject? map) => string.Join(", ", (map ?? []).Select(p => $"{p.Key}={(string?)p.Value}"));
}
