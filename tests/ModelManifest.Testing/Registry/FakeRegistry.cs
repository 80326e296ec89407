using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace ModelManifest.Testing;

/// <summary>
/// A small in-memory model registry on 127.0.0.1 (real Kestrel) that answers the endpoints of /work/wt/REGISTRY-API.md
/// the clients use, with the registry's problem+json errors (MM3xxx), for the client tests until they run against the
/// real server. Each misbehaviour a test needs is a switch; every request is recorded.
/// </summary>
public sealed class FakeRegistry : IAsyncDisposable
{
    private readonly object _gate = new();
    private readonly Dictionary<(string Id, string Version), Published> _versions = [];
    private readonly Dictionary<string, Dictionary<string, string>> _aliases = new(StringComparer.Ordinal);
    private readonly List<JsonObject> _aliasHistory = [];
    private readonly Dictionary<string, Job> _jobs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, JsonObject> _tokens = new(StringComparer.Ordinal);
    private WebApplication _app = null!;

    private FakeRegistry()
    {
    }

    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>When set, writes need <c>Bearer</c> this token (401 MM3009 without it, 403 MM3010 with the read token).</summary>
    public string? WriteToken { get; set; }

    /// <summary>When set, reads need this token or <see cref="WriteToken"/> (as with <c>--require-auth-for-reads</c>).</summary>
    public string? ReadToken { get; set; }

    /// <summary>When set, a blob GET answers 307 to this base URL + hex + a fake signature, as with an S3 blob store.</summary>
    public Uri? BlobRedirectBase { get; set; }

    /// <summary>Answer 503 to this many PATCH (upload chunk) requests first.</summary>
    public int FailPatches { get; set; }

    /// <summary>How many polls a register job takes to become ready (the first answer is pending, then downloading).</summary>
    public int JobPollsUntilReady { get; set; } = 2;

    public ConcurrentDictionary<string, byte[]> Blobs { get; } = new(StringComparer.Ordinal);

    /// <summary>Partial resumable uploads by sha256: the bytes held so far.</summary>
    public ConcurrentDictionary<string, byte[]> Uploads { get; } = new(StringComparer.Ordinal);

    public ConcurrentQueue<FakeRegistryRequest> Requests { get; } = new();

    public static async Task<FakeRegistry> StartAsync()
    {
        var registry = new FakeRegistry();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, 0);
            k.Limits.MaxRequestBodySize = null;
        });
        registry._app = builder.Build();
        registry._app.Run(registry.HandleAsync);
        await registry._app.StartAsync();
        var server = (IServer)registry._app.Services.GetService(typeof(IServer))!;
        registry.BaseUrl = new Uri(server.Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/') + "/");
        return registry;
    }

    /// <summary>A manifest document holding one model version with one asset per (asset id, content): what a push publishes.</summary>
    public static string OneModelManifest(string id, string version, params (string AssetId, byte[] Content)[] assets)
    {
        var models = new JsonArray(new JsonObject
        {
            ["id"] = id,
            ["version"] = version,
            ["displayName"] = id + " " + version,
            ["assets"] = new JsonArray([.. assets.Select(a => (JsonNode)new JsonObject { ["id"] = a.AssetId })]),
        });
        var entries = new JsonArray([.. assets.Select(a => (JsonNode)new JsonObject
        {
            ["id"] = a.AssetId,
            ["fileName"] = a.AssetId + ".bin",
            ["size"] = a.Content.Length,
            ["sha256"] = TestContent.Sha256(a.Content),
        })]);
        return new JsonObject { ["schemaVersion"] = "1.1", ["models"] = models, ["assets"] = entries }.ToJsonString();
    }

    /// <summary>Puts a blob in the store directly (as a previous push would have).</summary>
    public string AddBlob(byte[] bytes)
    {
        string sha = TestContent.Sha256(bytes);
        Blobs[sha] = bytes;
        return sha;
    }

    /// <summary>Publishes a version directly (its blobs must be added first).</summary>
    public void Publish(string manifestJson)
    {
        var document = JsonNode.Parse(manifestJson)!.AsObject();
        var model = document["models"]![0]!;
        lock (_gate)
        {
            _versions[((string)model["id"]!, (string)model["version"]!)] = new Published(document, Digests(document), DateTimeOffset.UtcNow);
        }
    }

    public string? AliasOf(string id, string alias)
    {
        lock (_gate)
        {
            return _aliases.TryGetValue(id, out var map) && map.TryGetValue(alias, out var v) ? v : null;
        }
    }

    public bool HasVersion(string id, string version)
    {
        lock (_gate)
        {
            return _versions.ContainsKey((id, version));
        }
    }

    public IReadOnlyCollection<string> TokenIds()
    {
        lock (_gate)
        {
            return [.. _tokens.Keys];
        }
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private sealed record Published(JsonObject Manifest, string[] Digests, DateTimeOffset At);

    private sealed class Job(string id, string modelId, string version, bool fails)
    {
        public string Id { get; } = id;

        public string ModelId { get; } = modelId;

        public string Version { get; } = version;

        public bool Fails { get; } = fails;

        public int Polls { get; set; }
    }

    private static string[] Digests(JsonObject document) =>
        [.. (document["assets"] as JsonArray ?? []).Select(a => (string?)a?["sha256"] ?? string.Empty).Order(StringComparer.Ordinal)];

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        string path = request.Path.Value ?? string.Empty;
        Requests.Enqueue(new FakeRegistryRequest(request.Method, path + request.QueryString, request.Headers.Authorization.ToString(),
            request.Headers.ContentRange.ToString(), request.ContentLength) { Range = request.Headers.Range.ToString() });
        string[] parts = path.Trim('/').Split('/').Select(Uri.UnescapeDataString).ToArray();
        if (parts.Length == 0 || parts[0] != "v1")
        {
            await Problem(context, 404, "MM3004", $"no route {path}");
            return;
        }

        bool write = request.Method is "PUT" or "POST" or "PATCH" or "DELETE";
        if (!await AuthorizedAsync(context, write))
        {
            return;
        }

        switch (parts[1..])
        {
            case ["blobs", "sha256", var hex]:
                await BlobAsync(context, hex);
                break;
            case ["blobs", "uploads", "sha256", var hex]:
                await UploadAsync(context, hex);
                break;
            case ["models"] when request.Method == "GET":
                await Json(context, 200, new JsonObject { ["models"] = new JsonArray([.. ModelIds().Where(m => m.Contains(request.Query["q"].ToString(), StringComparison.Ordinal)).Select(m => (JsonNode)Summary(m))]) });
                break;
            case ["models", var id] when request.Method == "GET":
                await ModelAsync(context, id);
                break;
            case ["models", var id, "versions", var version]:
                await VersionAsync(context, id, version);
                break;
            case ["models", var id, "aliases"] when request.Method == "GET":
                await AliasesAsync(context, id);
                break;
            case ["models", var id, "aliases", var alias] when request.Method == "PUT":
                await SetAliasAsync(context, id, alias);
                break;
            case ["manifest"] when request.Method == "GET":
                await ManifestAsync(context);
                break;
            case ["register"] when request.Method == "POST":
                await RegisterAsync(context);
                break;
            case ["jobs", var jobId] when request.Method == "GET":
                await JobAsync(context, jobId);
                break;
            case ["tokens"] when request.Method == "POST":
                await CreateTokenAsync(context);
                break;
            case ["tokens", var tokenId] when request.Method == "DELETE":
                await RevokeTokenAsync(context, tokenId);
                break;
            default:
                await Problem(context, 404, "MM3004", $"no route {request.Method} {path}");
                break;
        }
    }

    private async Task<bool> AuthorizedAsync(HttpContext context, bool write)
    {
        string given = context.Request.Headers.Authorization.ToString();
        string? needed = write ? WriteToken : ReadToken;
        if (needed is null || given == "Bearer " + needed || (!write && WriteToken is not null && given == "Bearer " + WriteToken))
        {
            return true;
        }

        bool readTokenOnWrite = write && ReadToken is not null && given == "Bearer " + ReadToken;
        await (readTokenOnWrite
            ? Problem(context, 403, "MM3010", "the token lacks the write scope")
            : Problem(context, 401, "MM3009", "a valid bearer token is required"));
        return false;
    }

    private async Task BlobAsync(HttpContext context, string hex)
    {
        var request = context.Request;
        if (request.Method == "PUT")
        {
            if (Blobs.ContainsKey(hex))
            {
                context.Response.StatusCode = 200;
                return;
            }

            byte[] body = await ReadBodyAsync(request);
            if (TestContent.Sha256(body) != hex || body.Length != request.ContentLength)
            {
                await Problem(context, 400, "MM3007", $"the uploaded bytes do not have sha256 {hex}");
                return;
            }

            Blobs[hex] = body;
            context.Response.StatusCode = 201;
            return;
        }

        if (!Blobs.TryGetValue(hex, out byte[]? bytes))
        {
            await Problem(context, 404, "MM3006", $"no blob sha256:{hex}");
            return;
        }

        if (BlobRedirectBase is { } target && request.Method == "GET")
        {
            context.Response.StatusCode = 307;
            context.Response.Headers.Location = new Uri(target, hex + "?X-Amz-Signature=fake").ToString();
            return;
        }

        await Results.Bytes(bytes, "application/octet-stream", enableRangeProcessing: true,
            entityTag: new Microsoft.Net.Http.Headers.EntityTagHeaderValue($"\"{hex}\"")).ExecuteAsync(context);
    }

    private async Task UploadAsync(HttpContext context, string hex)
    {
        var request = context.Request;
        if (request.Method == "HEAD")
        {
            if (!Uploads.TryGetValue(hex, out byte[]? held))
            {
                context.Response.StatusCode = 404;
                return;
            }

            context.Response.Headers["Upload-Offset"] = held.Length.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return;
        }

        if (request.Method != "PATCH")
        {
            await Problem(context, 405, "MM3013", "HEAD or PATCH");
            return;
        }

        lock (_gate)
        {
            if (FailPatches > 0)
            {
                FailPatches--;
                context.Response.StatusCode = 503;
                return;
            }
        }

        var range = System.Net.Http.Headers.ContentRangeHeaderValue.Parse(request.Headers.ContentRange.ToString());
        byte[] chunk = await ReadBodyAsync(request);
        byte[] current = Uploads.GetValueOrDefault(hex, []);
        if (range.From != current.Length || range.To - range.From + 1 != chunk.Length)
        {
            context.Response.Headers["Upload-Offset"] = current.Length.ToString(System.Globalization.CultureInfo.InvariantCulture);
            await Problem(context, 416, "MM3014", $"the chunk starts at {range.From}, the upload holds {current.Length} bytes");
            return;
        }

        byte[] joined = [.. current, .. chunk];
        if (joined.Length < range.Length)
        {
            Uploads[hex] = joined;
            context.Response.Headers["Upload-Offset"] = joined.Length.ToString(System.Globalization.CultureInfo.InvariantCulture);
            context.Response.StatusCode = 202;
            return;
        }

        Uploads.TryRemove(hex, out _);
        if (TestContent.Sha256(joined) != hex)
        {
            await Problem(context, 400, "MM3007", $"the uploaded bytes do not have sha256 {hex}");
            return;
        }

        Blobs[hex] = joined;
        context.Response.StatusCode = 201;
    }

    private async Task VersionAsync(HttpContext context, string id, string version)
    {
        if (context.Request.Method == "GET")
        {
            Published? found;
            string resolved;
            lock (_gate)
            {
                resolved = _aliases.TryGetValue(id, out var map) && map.TryGetValue(version, out var v) ? v : version;
                found = _versions.GetValueOrDefault((id, resolved));
            }

            if (found is null)
            {
                await Problem(context, 404, "MM3004", $"no version {id}@{version}");
                return;
            }

            await Json(context, 200, new JsonObject
            {
                ["id"] = id,
                ["version"] = resolved,
                ["publishedAt"] = found.At.ToString("O"),
                ["assets"] = found.Manifest["assets"]!.DeepClone(),
                ["manifest"] = found.Manifest.DeepClone(),
            });
            return;
        }

        if (context.Request.Method != "PUT")
        {
            await Problem(context, 405, "MM3013", "GET or PUT");
            return;
        }

        JsonObject document;
        try
        {
            document = JsonNode.Parse(await ReadBodyAsync(context.Request))!.AsObject();
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException or NullReferenceException)
        {
            await Problem(context, 400, "MM3002", "the body is not a JSON object");
            return;
        }

        if (document["models"] is not JsonArray { Count: 1 } models || (string?)models[0]!["id"] != id || (string?)models[0]!["version"] != version)
        {
            await Problem(context, 422, "MM3021", $"the manifest must hold exactly {id}@{version}");
            return;
        }

        string[] digests = Digests(document);
        string[] missing = [.. digests.Where(d => !Blobs.ContainsKey(d))];
        if (missing.Length > 0)
        {
            await Problem(context, 409, "MM3005", $"blobs not in the store: {string.Join(", ", missing)}");
            return;
        }

        int status;
        lock (_gate)
        {
            if (_versions.TryGetValue((id, version), out var existing))
            {
                status = existing.Digests.SequenceEqual(digests) ? 200 : 409;
            }
            else
            {
                _versions[(id, version)] = new Published(document, digests, DateTimeOffset.UtcNow);
                status = 201;
            }
        }

        if (status == 409)
        {
            await Problem(context, 409, "MM3001", $"{id}@{version} is published with other digests");
            return;
        }

        await Json(context, status, new JsonObject { ["id"] = id, ["version"] = version });
    }

    private List<string> ModelIds()
    {
        lock (_gate)
        {
            return [.. _versions.Keys.Select(k => k.Id).Distinct().Order(StringComparer.Ordinal)];
        }
    }

    private JsonObject Summary(string id)
    {
        lock (_gate)
        {
            var versions = _versions.Keys.Where(k => k.Id == id).Select(k => k.Version).Order(StringComparer.Ordinal).ToList();
            var aliases = new JsonObject();
            foreach (var (alias, version) in _aliases.GetValueOrDefault(id) ?? [])
            {
                aliases[alias] = version;
            }

            return new JsonObject
            {
                ["id"] = id,
                ["tags"] = new JsonArray(),
                ["latestVersion"] = versions.LastOrDefault(),
                ["versions"] = new JsonArray([.. versions.Select(v => (JsonNode)v)]),
                ["aliases"] = aliases,
            };
        }
    }

    private async Task ModelAsync(HttpContext context, string id)
    {
        if (!ModelIds().Contains(id))
        {
            await Problem(context, 404, "MM3004", $"no model {id}");
            return;
        }

        var summary = Summary(id);
        summary["stages"] = new JsonObject();
        await Json(context, 200, summary);
    }

    private async Task AliasesAsync(HttpContext context, string id)
    {
        var list = new JsonArray();
        var history = new JsonArray();
        lock (_gate)
        {
            foreach (var (alias, version) in _aliases.GetValueOrDefault(id) ?? [])
            {
                list.Add(new JsonObject { ["alias"] = alias, ["version"] = version, ["updatedAt"] = DateTimeOffset.UtcNow.ToString("O") });
            }

            foreach (var row in _aliasHistory.Where(h => (string?)h["id"] == id))
            {
                var copy = row.DeepClone().AsObject();
                copy.Remove("id");
                history.Add(copy);
            }
        }

        await Json(context, 200, new JsonObject { ["aliases"] = list, ["history"] = history });
    }

    private async Task SetAliasAsync(HttpContext context, string id, string alias)
    {
        string? version = (string?)JsonNode.Parse(await ReadBodyAsync(context.Request))?["version"];
        string? previous;
        lock (_gate)
        {
            if (version is null || !_versions.ContainsKey((id, version)))
            {
                previous = null;
                version = null;
            }
            else
            {
                var map = _aliases.TryGetValue(id, out var m) ? m : _aliases[id] = new(StringComparer.Ordinal);
                previous = map.GetValueOrDefault(alias);
                map[alias] = version;
                _aliasHistory.Add(new JsonObject { ["id"] = id, ["alias"] = alias, ["version"] = version, ["previousVersion"] = previous, ["changedAt"] = DateTimeOffset.UtcNow.ToString("O") });
            }
        }

        if (version is null)
        {
            await Problem(context, 404, "MM3004", $"no such version of {id}");
            return;
        }

        await Json(context, 200, new JsonObject { ["alias"] = alias, ["version"] = version, ["previousVersion"] = previous });
    }

    private async Task ManifestAsync(HttpContext context)
    {
        string model = context.Request.Query["model"].ToString();
        var models = new JsonArray();
        var assets = new JsonArray();
        lock (_gate)
        {
            foreach (var ((id, _), published) in _versions.OrderBy(p => p.Key.Id, StringComparer.Ordinal).ThenBy(p => p.Key.Version, StringComparer.Ordinal))
            {
                if (model.Length > 0 && id != model)
                {
                    continue;
                }

                models.Add(published.Manifest["models"]![0]!.DeepClone());
                foreach (var asset in published.Manifest["assets"]!.AsArray())
                {
                    var copy = asset!.DeepClone().AsObject();
                    copy["urls"] = new JsonArray(new Uri(BaseUrl, $"v1/blobs/sha256/{(string?)copy["sha256"]}").ToString());
                    assets.Add(copy);
                }
            }
        }

        string text = new JsonObject { ["schemaVersion"] = "1.1", ["models"] = models, ["assets"] = assets }.ToJsonString();
        string etag = $"\"{TestContent.Sha256(Encoding.UTF8.GetBytes(text))}\"";
        context.Response.Headers.ETag = etag;
        if (context.Request.Headers.IfNoneMatch.ToString() == etag)
        {
            context.Response.StatusCode = 304;
            return;
        }

        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(text);
    }

    private async Task RegisterAsync(HttpContext context)
    {
        var body = JsonNode.Parse(await ReadBodyAsync(context.Request))!.AsObject();
        var job = new Job(Guid.NewGuid().ToString("N"), (string)body["id"]!, (string)body["version"]!, ((string?)body["url"] ?? string.Empty).Contains("fail", StringComparison.Ordinal));
        lock (_gate)
        {
            _jobs[job.Id] = job;
        }

        await Json(context, 202, new JsonObject { ["jobId"] = job.Id, ["status"] = "pending" });
    }

    private async Task JobAsync(HttpContext context, string jobId)
    {
        JsonObject answer;
        lock (_gate)
        {
            if (!_jobs.TryGetValue(jobId, out var job))
            {
                answer = null!;
            }
            else
            {
                int poll = job.Polls++;
                answer = new JsonObject { ["jobId"] = job.Id };
                if (poll == 0)
                {
                    answer["status"] = "pending";
                }
                else if (poll < JobPollsUntilReady)
                {
                    answer["status"] = "downloading";
                    answer["bytesDone"] = 50;
                    answer["totalBytes"] = 100;
                    answer["fraction"] = 0.5;
                }
                else if (job.Fails)
                {
                    answer["status"] = "failed";
                    answer["error"] = new JsonObject { ["code"] = "MM3015", ["detail"] = "the checkpoint URL answered HTTP 404" };
                }
                else
                {
                    answer["status"] = "ready";
                    answer["model"] = new JsonObject { ["id"] = job.ModelId, ["version"] = job.Version };
                }
            }
        }

        await (answer is null ? Problem(context, 404, "MM3004", $"no job {jobId}") : Json(context, 200, answer));
    }

    private async Task CreateTokenAsync(HttpContext context)
    {
        var body = JsonNode.Parse(await ReadBodyAsync(context.Request))!.AsObject();
        string id = Guid.NewGuid().ToString("N")[..12];
        string token = "mmr_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var record = new JsonObject { ["id"] = id, ["name"] = body["name"]?.DeepClone(), ["scopes"] = body["scopes"]?.DeepClone() };
        lock (_gate)
        {
            _tokens[id] = record;
        }

        var answer = record.DeepClone().AsObject();
        answer["token"] = token;
        await Json(context, 201, answer);
    }

    private async Task RevokeTokenAsync(HttpContext context, string id)
    {
        bool removed;
        lock (_gate)
        {
            removed = _tokens.Remove(id);
        }

        if (!removed)
        {
            await Problem(context, 404, "MM3004", $"no token {id}");
            return;
        }

        context.Response.StatusCode = 204;
    }

    private static async Task<byte[]> ReadBodyAsync(HttpRequest request)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer);
        return buffer.ToArray();
    }

    private static Task Json(HttpContext context, int status, JsonNode body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(body.ToJsonString());
    }

    private static Task Problem(HttpContext context, int status, string code, string detail)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/problem+json";
        return context.Response.WriteAsync(new JsonObject
        {
            ["type"] = "https://github.com/modelmanifest/ModelManifest.Build/blob/main/docs/diagnostics.md#" + code.ToLowerInvariant(),
            ["title"] = code,
            ["status"] = status,
            ["code"] = code,
            ["detail"] = detail,
        }.ToJsonString());
    }
}

/// <summary>One request the fake registry received.</summary>
public sealed record FakeRegistryRequest(string Method, string Path, string Authorization, string ContentRange, long? ContentLength)
{
    public string Range { get; init; } = string.Empty;
}
