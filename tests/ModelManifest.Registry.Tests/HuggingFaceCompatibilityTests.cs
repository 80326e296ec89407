using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using static ModelManifest.Registry.Tests.RegistryApi;

namespace ModelManifest.Registry.Tests;

/// <summary>
/// Replays the requests <c>huggingface_hub</c> sends with <c>HF_ENDPOINT</c> pointing at the registry (no Python
/// client installs here). Source: huggingface_hub <c>file_download.py</c> — <c>get_hf_file_metadata</c> sends
/// <c>HEAD {endpoint}/{repo_id}/resolve/{revision}/{filename}</c> with <c>Accept-Encoding: identity</c> and redirects
/// not followed, then reads <c>X-Repo-Commit</c>, <c>X-Linked-Etag</c> (else <c>ETag</c>), <c>X-Linked-Size</c> (else
/// <c>Content-Length</c>) and <c>Location</c>; <c>http_get</c> then GETs that location, with <c>Range: bytes=N-</c>
/// when resuming an <c>.incomplete</c> file. <c>snapshot_download</c> first calls
/// <c>GET {endpoint}/api/models/{repo_id}/revision/{revision}</c> and downloads every <c>siblings[].rfilename</c> at
/// the returned <c>sha</c>.
/// </summary>
public sealed class HuggingFaceCompatibilityTests(RegistryFixture registry) : IClassFixture<RegistryFixture>
{
    private const string UserAgent = "huggingface_hub/0.26.2; python/3.13.5; torch/2.6.0";

    [Fact]
    public async Task Hf_hub_download_requests_get_the_hub_headers_and_bytes()
    {
        using HttpClient admin = registry.Admin();
        byte[] bytes = Bytes(50_000, 60);
        string sha = Sha256(bytes);
        (await PutBlobAsync(admin, bytes)).Dispose();
        Assert.Equal(HttpStatusCode.Created, (await PublishAsync(admin, "hf-model", "1.0.0", Manifest("hf-model", "1.0.0", bytes, fileName: "model.onnx"))).StatusCode);
        (await admin.PutAsync("v1/models/hf-model/aliases/main", Json(new JsonObject { ["version"] = "1.0.0" }))).Dispose();

        using var hub = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri(registry.Server.BaseUrl + "/") };
        hub.DefaultRequestHeaders.TryAddWithoutValidation("User-Agent", UserAgent);

        // get_hf_file_metadata
        using var head = new HttpRequestMessage(HttpMethod.Head, "registry/hf-model/resolve/main/model.onnx");
        head.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue("identity"));
        using HttpResponseMessage metadata = await hub.SendAsync(head);
        Assert.Equal(HttpStatusCode.OK, metadata.StatusCode);
        string commit = metadata.Headers.GetValues("X-Repo-Commit").Single();
        Assert.Matches("^[0-9a-f]{40}$", commit);
        Assert.Equal($"\"{sha}\"", metadata.Headers.GetValues("X-Linked-Etag").Single());
        Assert.Equal(bytes.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), metadata.Headers.GetValues("X-Linked-Size").Single());
        Assert.Equal($"\"{sha}\"", metadata.Headers.ETag!.Tag);

        // http_get, resuming from byte 20000 of an .incomplete file
        using var get = new HttpRequestMessage(HttpMethod.Get, "registry/hf-model/resolve/main/model.onnx");
        get.Headers.Range = new RangeHeaderValue(20_000, null);
        using HttpResponseMessage rest = await hub.SendAsync(get);
        Assert.Equal(HttpStatusCode.PartialContent, rest.StatusCode);
        Assert.Equal(bytes[20_000..], await rest.Content.ReadAsByteArrayAsync());

        // snapshot_download: model info at a revision, then each sibling at the commit sha
        JsonObject info = await GetJsonAsync(hub, "api/models/registry/hf-model/revision/1.0.0");
        Assert.Equal("registry/hf-model", info["id"]!.GetValue<string>());
        Assert.Equal(commit, info["sha"]!.GetValue<string>());
        Assert.Equal("model.onnx", info["siblings"]![0]!["rfilename"]!.GetValue<string>());
        Assert.Equal(commit, (await GetJsonAsync(hub, "api/models/registry/hf-model"))["sha"]!.GetValue<string>());
        using HttpResponseMessage atCommit = await hub.GetAsync($"registry/hf-model/resolve/{commit}/model.onnx");
        Assert.Equal(bytes, await atCommit.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Misses_carry_the_hub_error_codes()
    {
        using HttpClient admin = registry.Admin();
        await PublishNewAsync(admin, "hf-miss", "1.0.0", Bytes(10, 61));
        using HttpClient hub = registry.Anonymous();
        Assert.Equal("RepoNotFound", await ErrorCodeAsync(hub, "registry/no-such/resolve/main/x.bin"));
        Assert.Equal("RevisionNotFound", await ErrorCodeAsync(hub, "registry/hf-miss/resolve/9.9.9/weights.bin"));
        Assert.Equal("EntryNotFound", await ErrorCodeAsync(hub, "registry/hf-miss/resolve/1.0.0/other.bin"));
        using HttpResponseMessage otherNamespace = await hub.GetAsync("someone/hf-miss/resolve/1.0.0/weights.bin");
        Assert.Equal(HttpStatusCode.NotFound, otherNamespace.StatusCode);
    }

    private static async Task<string> ErrorCodeAsync(HttpClient client, string path)
    {
        using var head = new HttpRequestMessage(HttpMethod.Head, path);
        using HttpResponseMessage response = await client.SendAsync(head);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        return response.Headers.GetValues("X-Error-Code").Single();
    }

    /// <summary>
    /// A real hub client, unchanged: the JavaScript <c>@huggingface/hub</c> library (npm, installed by
    /// eng/install-prerequisites.sh into artifacts/test-tools) with <c>hubUrl</c> pointing at the registry lists the
    /// repository's files and downloads one by alias and by version.
    /// </summary>
    [Fact]
    public async Task The_huggingface_hub_javascript_client_downloads_a_registered_file()
    {
        using HttpClient admin = registry.Admin();
        byte[] bytes = Bytes(70_000, 61);
        (await PutBlobAsync(admin, bytes)).Dispose();
        Assert.Equal(HttpStatusCode.Created, (await PublishAsync(admin, "js-model", "2.0.0", Manifest("js-model", "2.0.0", bytes, fileName: "weights.safetensors"))).StatusCode);
        (await admin.PutAsync("v1/models/js-model/aliases/production", Json(new JsonObject { ["version"] = "2.0.0" }))).Dispose();

        const string Script = """
            import { downloadFile, listFiles } from "@huggingface/hub";
            import { createHash } from "node:crypto";
            const hubUrl = process.env.HUB_URL;
            const repo = { type: "model", name: "registry/js-model" };
            const files = [];
            for await (const f of listFiles({ repo, revision: "2.0.0", hubUrl })) files.push(f.path);
            console.log("files " + files.join(","));
            for (const revision of ["production", "2.0.0"]) {
              const blob = await downloadFile({ repo, path: "weights.safetensors", revision, hubUrl });
              const hash = createHash("sha256").update(Buffer.from(await blob.arrayBuffer())).digest("hex");
              console.log(revision + " " + hash);
            }
            """;
        var psi = new System.Diagnostics.ProcessStartInfo("node", ["--input-type=module", "-e", Script])
        {
            // Bare specifiers of an -e module resolve from the working directory: the tools' node_modules.
            WorkingDirectory = Path.Combine(TestPaths.RepositoryRoot, "artifacts", "test-tools"),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        psi.Environment["HUB_URL"] = registry.Server.BaseUrl;
        using var node = System.Diagnostics.Process.Start(psi)!;
        Task<string> stderr = node.StandardError.ReadToEndAsync();
        string stdout = await node.StandardOutput.ReadToEndAsync();
        await node.WaitForExitAsync();
        Assert.True(node.ExitCode == 0, stdout + await stderr);
        string sha = Sha256(bytes);
        Assert.Contains("files weights.safetensors", stdout, StringComparison.Ordinal);
        Assert.Contains("production " + sha, stdout, StringComparison.Ordinal);
        Assert.Contains("2.0.0 " + sha, stdout, StringComparison.Ordinal);
    }
}
