using System.CommandLine;
using System.Net.Http;
using System.Text.Json.Nodes;
using Spectre.Console;

namespace ModelManifest.Cli.Commands;

/// <summary>
/// <c>token create &lt;name&gt; --scope &lt;s&gt;…</c>, <c>token ls</c> and <c>token revoke &lt;id&gt;</c>: a registry's
/// access tokens (needs an admin token). The new token is printed once, on stdout alone; nothing else ever prints one.
/// </summary>
internal static class TokenCommand
{
    public static Command Create()
    {
        var registry = new RegistryCommandLine();
        var command = registry.Add(new Command("token", "Create, list and revoke a registry's access tokens (needs an admin token)."));

        var name = new Argument<string>("name") { Description = "What the token is for (shown in lists and history)." };
        var scopes = new Option<string[]>("--scope")
        {
            Description = "read, write (implies read) or admin (implies all); repeatable.",
            Required = true,
            AllowMultipleArgumentsPerToken = true,
        };
        scopes.AcceptOnlyFromAmong("read", "write", "admin");
        var create = new Command("create", "Create a token; its value is printed once and cannot be shown again.") { name, scopes };
        registry.SetAction(create, (host, client, parse) =>
        {
            var body = new JsonObject
            {
                ["name"] = parse.GetValue(name),
                ["scopes"] = new JsonArray([.. (parse.GetValue(scopes) ?? []).Distinct().Select(s => (JsonNode)s)]),
            };
            var (_, answer) = RegistryCommandLine.Wait(client.SendJsonAsync(HttpMethod.Post, client.Endpoint.Tokens(), body, CancellationToken.None));
            if (parse.GetValue(registry.Json))
            {
                RegistryCommandLine.WriteJson(host, answer);
            }
            else
            {
                host.Error.WriteLine($"token {(string?)answer?["id"]} ({(string?)answer?["name"]}; {ListCommand.Join(answer?["scopes"] as JsonArray)}) created; it is shown once, store it now:");
                host.Output.WriteLine((string?)answer?["token"]);
            }

            return ExitCodes.Ok;
        });

        var ls = new Command("ls", "List the tokens (never their values).");
        registry.SetAction(ls, (host, client, parse) =>
        {
            JsonNode answer = RegistryCommandLine.Wait(client.GetJsonAsync(client.Endpoint.Tokens(), CancellationToken.None));
            if (parse.GetValue(registry.Json))
            {
                RegistryCommandLine.WriteJson(host, answer);
                return ExitCodes.Ok;
            }

            var table = new Table().AddColumns("id", "name", "scopes", "created");
            foreach (JsonNode? row in answer["tokens"] as JsonArray ?? [])
            {
                table.AddRow(ListCommand.Text(row?["id"]), ListCommand.Text(row?["name"]), Markup.Escape(ListCommand.Join(row?["scopes"] as JsonArray)), ListCommand.Text(row?["createdAt"]));
            }

            host.Console.Write(table);
            return ExitCodes.Ok;
        });

        var id = new Argument<string>("id") { Description = "The token's id (from token create or token ls)." };
        var revoke = new Command("revoke", "Revoke a token: it is refused from now on.") { id };
        registry.SetAction(revoke, (host, client, parse) =>
        {
            string tokenId = parse.GetValue(id)!;
            RegistryCommandLine.Wait(client.SendJsonAsync(HttpMethod.Delete, client.Endpoint.Token(tokenId), null, CancellationToken.None));
            if (parse.GetValue(registry.Json))
            {
                RegistryCommandLine.WriteJson(host, new JsonObject { ["id"] = tokenId, ["revoked"] = true });
            }
            else
            {
                host.Output.WriteLine($"revoked token {tokenId}");
            }

            return ExitCodes.Ok;
        });

        command.Subcommands.Add(create);
        command.Subcommands.Add(ls);
        command.Subcommands.Add(revoke);
        return command;
    }
}
