using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ModelManifest.Sources.HuggingFace.Tests;

/// <summary>
/// A Hugging Face hub on loopback that answers as huggingface.co does, with its CDN on a second host (127.0.0.2).
/// </summary>
/// <remarks>
/// Behaviour reproduced (from huggingface_hub's file_download.py / utils/_http.py — get_hf_file_metadata,
/// _request_wrapper(follow_relative_redirects), hf_raise_for_status — and `curl -I` answers of huggingface.co):
/// <list type="bullet">
/// <item><c>HEAD|GET /{ns}/{repo}/resolve/{revision}/{path}</c> of an LFS file: <c>302 Found</c>, <c>Location</c> = an
/// absolute, presigned CDN URL on another host (query with a signature), with <c>X-Repo-Commit</c> (the 40-hex commit the
/// revision resolved to), <c>X-Linked-Etag: "&lt;sha256&gt;"</c>, <c>X-Linked-Size</c>, <c>ETag</c> = the same quoted sha256,
/// and a small redirect body (so Content-Length is not the file's size).</item>
/// <item>a small file kept in git: <c>200</c> with the bytes, <c>ETag: "&lt;git blob sha1&gt;"</c>, <c>X-Repo-Commit</c>,
/// <c>Accept-Ranges: bytes</c>.</item>
/// <item>errors carry <c>X-Error-Code</c> and <c>X-Error-Message</c>: a gated repository without a token →
/// <c>401 GatedRepo</c> ("Access to model … is restricted. You must have access to it and be authenticated…"); with a
/// token that has not accepted the terms → <c>403 GatedRepo</c> ("… you are not in the authorized list. Visit … to ask for
/// access."); an unknown repository → <c>401 RepoNotFound</c> without a token; an unknown revision → <c>404
/// RevisionNotFound</c> ("Invalid rev id: …"); an unknown file → <c>404 EntryNotFound</c> ("Entry not found").</item>
/// <item><c>GET /api/models/{ns}/{repo}/revision/{revision}?blobs=true</c>: JSON with <c>sha</c> (the commit) and
/// <c>siblings</c>: <c>rfilename</c>, <c>blobId</c>, <c>size</c>, and for LFS files <c>lfs: {sha256, size, pointerSize}</c>.</item>
/// <item>the CDN (CloudFront/S3 presigned URLs) serves ranges (206 with Content-Range) and refuses a request that carries an
/// <c>Authorization</c> header (S3: 400 "Only one auth mechanism allowed") — a client must drop the token on the redirect.</item>
/// </list>
/// </remarks>
internal sealed class HubServer : IAsyncDisposable
{
    private readonly Dictionary<string, Dictionary<string, HubFile>> _commits = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _refs = new(StringComparer.Ordinal);
    private WebApplication _app = null!;

    private HubServer(string ns, string repo)
    {
        Namespace = ns;
        Repo = repo;
    }

    public string Namespace { get; }

    public string Repo { get; }

    public Uri Endpoint { get; private set; } = null!;

    public Uri Cdn { get; private set; } = null!;

    /// <summary>When set, the repository is gated: only this token has accepted its terms.</summary>
    public string? GatedFor { get; set; }

    public ConcurrentQueue<Recorded> Requests { get; } = new();

    public sealed record Recorded(string Host, string Method, string Path, string Authorization);

    public sealed record HubFile(byte[] Bytes, bool Lfs)
    {
        public string Sha256 => Convert.ToHexStringLower(SHA256.HashData(Bytes));

        /// <summary>Git's blob id: sha1("blob {size}\0" + bytes), the ETag of a file kept in git.</summary>
        public string GitSha1 => Convert.ToHexStringLower(SHA1.HashData([.. System.Text.Encoding.ASCII.GetBytes($"blob {Bytes.Length}\0"), .. Bytes]));
    }

    public IEnumerable<Recorded> OnCdn => Requests.Where(r => r.Host == "cdn");

    public IEnumerable<Recorded> OnHub => Requests.Where(r => r.Host == "hub");

    public static async Task<HubServer> StartAsync(string ns = "acme", string repo = "weather")
    {
        var server = new HubServer(ns, repo);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, 0);
            kestrel.Listen(IPAddress.Parse("127.0.0.2"), 0);
        });
        server._app = builder.Build();
        server._app.Run(server.HandleAsync);
        await server._app.StartAsync();
        var addresses = server._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        server.Endpoint = new Uri(addresses.Single(a => a.Contains("127.0.0.1", StringComparison.Ordinal)));
        server.Cdn = new Uri(addresses.Single(a => a.Contains("127.0.0.2", StringComparison.Ordinal)));
        return server;
    }

    /// <summary>Adds a commit (40 hex) with its files and points <paramref name="branch"/> at it.</summary>
    public string Commit(string branch, Dictionary<string, HubFile> files)
    {
        string commit = Convert.ToHexStringLower(SHA1.HashData(System.Text.Encoding.UTF8.GetBytes(branch + _commits.Count)));
        _commits[commit] = files;
        _refs[branch] = commit;
        return commit;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private async Task HandleAsync(HttpContext context)
    {
        bool cdn = context.Connection.LocalIpAddress?.ToString() == "127.0.0.2";
        string path = context.Request.Path.Value ?? string.Empty;
        string authorization = context.Request.Headers.Authorization.ToString();
        Requests.Enqueue(new Recorded(cdn ? "cdn" : "hub", context.Request.Method, path, authorization));
        if (cdn)
        {
            await ServeCdnAsync(context, path, authorization);
            return;
        }

        string prefix = $"/{Namespace}/{Repo}/resolve/";
        string apiPrefix = $"/api/models/{Namespace}/{Repo}/revision/";
        if (path.StartsWith(apiPrefix, StringComparison.Ordinal))
        {
            await ServeApiAsync(context, Uri.UnescapeDataString(path[apiPrefix.Length..]), authorization);
            return;
        }

        if (!path.StartsWith(prefix, StringComparison.Ordinal))
        {
            Error(context, authorization.Length == 0 ? 401 : 404, "RepoNotFound", "Repository not found");
            return;
        }

        string rest = path[prefix.Length..];
        int slash = rest.IndexOf('/', StringComparison.Ordinal);
        string revision = Uri.UnescapeDataString(rest[..slash]);
        string file = Uri.UnescapeDataString(rest[(slash + 1)..]);
        if (!Authorized(context, authorization) || Files(context, revision) is not { } files)
        {
            return;
        }

        if (!files.TryGetValue(file, out HubFile? entry))
        {
            Error(context, 404, "EntryNotFound", "Entry not found");
            return;
        }

        context.Response.Headers["X-Repo-Commit"] = Resolve(revision);
        if (entry.Lfs)
        {
            context.Response.StatusCode = 302;
            context.Response.Headers.ETag = $"\"{entry.Sha256}\"";
            context.Response.Headers["X-Linked-Etag"] = $"\"{entry.Sha256}\"";
            context.Response.Headers["X-Linked-Size"] = entry.Bytes.Length.ToString(System.Globalization.CultureInfo.InvariantCulture);
            context.Response.Headers.Location = new Uri(Cdn, $"repos/{entry.Sha256}?X-Amz-Signature=presigned-secret&Expires=1").AbsoluteUri;
            byte[] body = System.Text.Encoding.ASCII.GetBytes("Found. Redirecting");
            context.Response.ContentLength = body.Length;
            if (HttpMethods.IsGet(context.Request.Method))
            {
                await context.Response.Body.WriteAsync(body);
            }

            return;
        }

        context.Response.Headers.ETag = $"\"{entry.GitSha1}\"";
        await ServeBytesAsync(context, entry.Bytes);
    }

    private async Task ServeCdnAsync(HttpContext context, string path, string authorization)
    {
        if (authorization.Length > 0)
        {
            context.Response.StatusCode = 400; // S3: "Only one auth mechanism allowed"
            return;
        }

        string sha256 = path.Split('/')[^1];
        var entry = _commits.Values.SelectMany(f => f.Values).FirstOrDefault(f => f.Sha256 == sha256);
        if (entry is null || !context.Request.QueryString.Value!.Contains("X-Amz-Signature", StringComparison.Ordinal))
        {
            context.Response.StatusCode = 403;
            return;
        }

        await ServeBytesAsync(context, entry.Bytes);
    }

    private async Task ServeApiAsync(HttpContext context, string revision, string authorization)
    {
        if (!Authorized(context, authorization) || Files(context, revision.Split('?')[0]) is not { } files)
        {
            return;
        }

        var siblings = files.Select(pair => pair.Value.Lfs
            ? (object)new { rfilename = pair.Key, blobId = pair.Value.GitSha1, size = pair.Value.Bytes.Length, lfs = new { sha256 = pair.Value.Sha256, size = pair.Value.Bytes.Length, pointerSize = 134 } }
            : new { rfilename = pair.Key, blobId = pair.Value.GitSha1, size = pair.Value.Bytes.Length });
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(JsonSerializer.Serialize(new { _id = "0", id = $"{Namespace}/{Repo}", sha = Resolve(revision), siblings }));
    }

    private static async Task ServeBytesAsync(HttpContext context, byte[] bytes)
    {
        context.Response.Headers.AcceptRanges = "bytes";
        long start = 0, end = bytes.Length - 1;
        if (Microsoft.Net.Http.Headers.RangeHeaderValue.TryParse(context.Request.Headers.Range.ToString(), out var range) && range.Ranges.Count == 1)
        {
            var r = range.Ranges.First();
            start = r.From ?? 0;
            end = Math.Min(r.To ?? bytes.Length - 1, bytes.Length - 1);
            context.Response.StatusCode = 206;
            context.Response.Headers.ContentRange = $"bytes {start}-{end}/{bytes.Length}";
        }

        context.Response.ContentLength = end - start + 1;
        if (HttpMethods.IsGet(context.Request.Method))
        {
            await context.Response.Body.WriteAsync(bytes.AsMemory((int)start, (int)(end - start + 1)));
        }
    }

    private bool Authorized(HttpContext context, string authorization)
    {
        if (GatedFor is null || authorization == "Bearer " + GatedFor)
        {
            return true;
        }

        if (authorization.Length == 0)
        {
            Error(context, 401, "GatedRepo", $"Access to model {Namespace}/{Repo} is restricted. You must have access to it and be authenticated to access it. Please log in.");
        }
        else
        {
            Error(context, 403, "GatedRepo", $"Access to model {Namespace}/{Repo} is restricted and you are not in the authorized list. Visit https://huggingface.co/{Namespace}/{Repo} to ask for access.");
        }

        return false;
    }

    private Dictionary<string, HubFile>? Files(HttpContext context, string revision)
    {
        if (_commits.TryGetValue(Resolve(revision), out var files))
        {
            return files;
        }

        Error(context, 404, "RevisionNotFound", $"Invalid rev id: {revision}");
        return null;
    }

    private string Resolve(string revision) => _refs.TryGetValue(revision, out string? commit) ? commit : revision;

    private static void Error(HttpContext context, int status, string code, string message)
    {
        context.Response.StatusCode = status;
        context.Response.Headers["X-Error-Code"] = code;
        context.Response.Headers["X-Error-Message"] = message;
    }
}
