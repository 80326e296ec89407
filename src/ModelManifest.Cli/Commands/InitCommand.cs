using System.CommandLine;
using System.Text.Json.Nodes;
using ModelManifest.Cli.Output;
using ModelManifest.IO;

namespace ModelManifest.Cli.Commands;

/// <summary>
/// <c>init [&lt;folder&gt;]</c>: a starter manifest that editors understand offline — the manifest, the schema copy it
/// points at, and VS Code's <c>json.schemas</c> mapping for every <c>*.models.json</c> of the workspace. Never
/// overwrites: an existing manifest is an error, an existing settings file is left alone (the snippet is printed).
/// </summary>
internal static class InitCommand
{
    public static Command Create()
    {
        var folder = new Argument<string>("folder") { Description = "Folder for the manifest and the schema copy (default: models).", DefaultValueFactory = _ => "models" };
        var name = new Option<string>("--name") { Description = "The manifest's file name (default: models.models.json).", DefaultValueFactory = _ => "models" + ManifestFiles.Pattern[1..] };
        var command = new Command("init", "Create a starter manifest, a local copy of the schema it points at, and the editor mapping for *.models.json.") { folder, name };
        command.SetAction(parse => CommandHost.Run(parse, host => Run(host, parse.GetValue(folder)!, parse.GetValue(name)!)));
        return command;
    }

    private static int Run(CommandHost host, string folder, string name)
    {
        if (!name.EndsWith(ManifestFiles.Pattern[1..], StringComparison.Ordinal) || name.Contains('/') || name.Contains('\\'))
        {
            throw new CliException(Diagnostics.InvalidOptions, $"--name '{name}' must be a file name ending in {ManifestFiles.Pattern[1..]} (the build and the tools find manifests by that ending)");
        }

        string manifest = Path.GetFullPath(Path.Combine(folder, name));
        if (File.Exists(manifest))
        {
            throw new CliException(Diagnostics.ManifestNotWritten, $"{manifest} exists; init never overwrites a manifest (add models with `modelmanifest extract <file> --into {Path.GetRelativePath(Directory.GetCurrentDirectory(), manifest)}`)");
        }

        if (SchemaCopy.EnsureBeside(manifest) is { } schema)
        {
            host.Output.WriteLine($"created {Relative(schema)}");
        }

        var document = new JsonObject
        {
            ["$schema"] = SchemaCopy.Reference,
            ["schemaVersion"] = ManifestWriter.CurrentSchemaVersion,
            ["models"] = new JsonArray(),
            ["assets"] = new JsonArray(),
        };
        AtomicFile.WriteAllText(manifest, document.ToJsonString(Json.Indented) + "\n");
        host.Output.WriteLine($"created {Relative(manifest)}");

        string pattern = "/" + Path.GetRelativePath(Directory.GetCurrentDirectory(), Path.GetDirectoryName(manifest)!).Replace('\\', '/') + "/" + SchemaCopy.FileName;
        WriteEditorMapping(host, pattern.Replace("/./", "/", StringComparison.Ordinal));
        host.Output.WriteLine($"next: modelmanifest extract <checkpoint> --id <model-id> --into {Relative(manifest)}");
        return ExitCodes.Ok;
    }

    /// <summary>VS Code: <c>.vscode/settings.json</c> maps <c>**/*.models.json</c> to the copy (created only when absent).</summary>
    private static void WriteEditorMapping(CommandHost host, string schemaPath)
    {
        var mapping = new JsonObject
        {
            ["json.schemas"] = new JsonArray(new JsonObject { ["fileMatch"] = new JsonArray("**/" + ManifestFiles.Pattern), ["url"] = "." + schemaPath }),
        };
        string settings = Path.Combine(Directory.GetCurrentDirectory(), ".vscode", "settings.json");
        if (File.Exists(settings))
        {
            host.Output.WriteLine($"kept {Relative(settings)}; to map manifests to the schema there, add:");
            host.Output.WriteLine(mapping.ToJsonString(Json.Indented));
            return;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(settings)!);
        AtomicFile.WriteAllText(settings, mapping.ToJsonString(Json.Indented) + "\n");
        host.Output.WriteLine($"created {Relative(settings)}");
    }

    private static string Relative(string path) => Path.GetRelativePath(Directory.GetCurrentDirectory(), path);
}
