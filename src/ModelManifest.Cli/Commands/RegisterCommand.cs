using System.CommandLine;
using System.Globalization;
using System.Net.Http;
using System.Text.Json.Nodes;
using ModelManifest.Cli.Output;

namespace ModelManifest.Cli.Commands;

/// <summary>
/// <c>register &lt;checkpoint-url&gt; --id &lt;id&gt; --version &lt;semver&gt; --registry &lt;url&gt; [--wait]</c>: asks the
/// registry to download a checkpoint itself, read its metadata and publish it as that version. With <c>--wait</c>, polls
/// the job and prints its progress until it is ready (exit 0) or failed (its <c>MM3xxx</c> error, exit 1).
/// </summary>
internal static class RegisterCommand
{
    public static Command Create()
    {
        var registry = new RegistryCommandLine();
        var url = new Argument<string>("checkpoint-url") { Description = "http(s) URL the registry downloads the checkpoint from (never printed: it may be presigned)." };
        var id = new Option<string>("--id") { Description = "Model id to publish as.", Required = true };
        var version = new Option<string>("--version") { Description = "Version to publish as (semver).", Required = true };
        var sha256 = new Option<string?>("--sha256") { Description = "The checkpoint's expected sha256 (the registry verifies it)." };
        var size = new Option<long?>("--size") { Description = "The checkpoint's expected size in bytes." };
        var fileName = new Option<string?>("--file-name") { Description = "The asset's file name (default: from the URL)." };
        var wait = new Option<bool>("--wait") { Description = "Poll the job and print its progress until it is ready or failed." };
        var interval = new Option<double>("--poll-interval")
        {
            Description = "Seconds between polls with --wait (default 1).",
            DefaultValueFactory = _ => 1,
        };
        var command = registry.Add(new Command("register", "Have the registry download a checkpoint by URL and publish it as a model version.")
        {
            url, id, version, sha256, size, fileName, wait, interval,
        });
        registry.SetAction(command, (host, client, parse) =>
        {
            string checkpoint = parse.GetValue(url)!;
            if (!Uri.TryCreate(checkpoint, UriKind.Absolute, out Uri? parsed) || (parsed.Scheme != Uri.UriSchemeHttp && parsed.Scheme != Uri.UriSchemeHttps))
            {
                throw new CliException(Diagnostics.InvalidOptions, "checkpoint-url is not an absolute http(s) URL");
            }

            double seconds = parse.GetValue(interval);
            if (!(seconds is > 0 and <= 3600))
            {
                throw new CliException(Diagnostics.InvalidOptions, "--poll-interval must be more than 0 and at most 3600 seconds");
            }

            var body = new JsonObject { ["url"] = checkpoint, ["id"] = parse.GetValue(id), ["version"] = parse.GetValue(version) };
            AddIfSet(body, "sha256", parse.GetValue(sha256));
            AddIfSet(body, "size", parse.GetValue(size));
            AddIfSet(body, "fileName", parse.GetValue(fileName));
            var (_, answer) = RegistryCommandLine.Wait(client.SendJsonAsync(HttpMethod.Post, client.Endpoint.Register(), body, CancellationToken.None));
            string jobId = (string?)answer?["jobId"] ?? throw new CliException(Diagnostics.InternalError, $"{client.Name} accepted the registration without a job id");
            bool asJson = parse.GetValue(registry.Json);
            if (!parse.GetValue(wait))
            {
                Finish(host, asJson, answer!, $"job {jobId}: {(string?)answer?["status"] ?? "pending"} (follow it with --wait, or GET {client.Endpoint.Job(jobId)})");
                return ExitCodes.Ok;
            }

            JsonNode job = Poll(host, client, jobId, TimeSpan.FromSeconds(seconds));
            if ((string?)job["status"] == "failed")
            {
                if (asJson)
                {
                    RegistryCommandLine.WriteJson(host, job);
                }

                throw new CliException((string?)job["error"]?["code"] ?? "MM3099", $"job {jobId} failed: {(string?)job["error"]?["detail"] ?? "no reason given"}", ExitCodes.Findings);
            }

            Finish(host, asJson, job, $"ready: {(string?)job["model"]?["id"]}@{(string?)job["model"]?["version"]} (job {jobId})");
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>Polls the job until it is ready or failed, printing each change of status or whole percent on stderr.</summary>
    private static JsonNode Poll(CommandHost host, Assets.RegistryClient client, string jobId, TimeSpan interval)
    {
        string? last = null;
        while (true)
        {
            JsonNode job = RegistryCommandLine.Wait(client.GetJsonAsync(client.Endpoint.Job(jobId), CancellationToken.None));
            string status = (string?)job["status"] ?? "unknown";
            string line = status == "downloading" && (double?)job["fraction"] is { } fraction
                ? string.Format(CultureInfo.InvariantCulture, "downloading {0:0}% ({1} of {2})", fraction * 100,
                    CacheCommand.Size((long?)job["bytesDone"] ?? 0), (long?)job["totalBytes"] is { } total ? CacheCommand.Size(total) : "?")
                : status;
            if (line != last)
            {
                host.Error.WriteLine($"job {jobId}: {line}");
                last = line;
            }

            if (status is "ready" or "failed")
            {
                return job;
            }

            Thread.Sleep(interval);
        }
    }

    private static void Finish(CommandHost host, bool asJson, JsonNode answer, string text)
    {
        if (asJson)
        {
            RegistryCommandLine.WriteJson(host, answer);
        }
        else
        {
            host.Output.WriteLine(text);
        }
    }

    private static void AddIfSet<T>(JsonObject body, string name, T? value)
    {
        if (value is not null)
        {
            body[name] = JsonValue.Create(value);
        }
    }
}
