using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using static ModelManifest.Registry.Tests.RegistryApi;

namespace ModelManifest.Registry.Tests;

/// <summary>Tokens and scopes, the failed-auth limit, hostile names and bodies: every refusal a clean 4xx, nothing stored.</summary>
public sealed class RegistrySecurityTests(RegistryFixture registry) : IClassFixture<RegistryFixture>
{
    [Fact]
    public async Task Writes_need_a_token_with_the_scope_and_revoked_tokens_stop_working()
    {
        using HttpClient anonymous = registry.Anonymous();
        byte[] bytes = Bytes(100, 40);
        await AssertProblemAsync(await PutBlobAsync(anonymous, bytes), HttpStatusCode.Unauthorized, "MM3009");
        using (HttpClient bogus = registry.Server.Client("mmr_not-a-real-token"))
        {
            await AssertProblemAsync(await PutBlobAsync(bogus, bytes), HttpStatusCode.Unauthorized, "MM3009");
        }

        using HttpClient admin = registry.Admin();
        JsonObject reader = await CreateTokenAsync(admin, "ci-reader", "read");
        JsonObject writer = await CreateTokenAsync(admin, "ci-writer", "write");
        string readerSecret = reader["token"]!.GetValue<string>();
        string writerSecret = writer["token"]!.GetValue<string>();
        Assert.StartsWith("mmr_", writerSecret, StringComparison.Ordinal);

        using (HttpClient readOnly = registry.Server.Client(readerSecret))
        {
            await AssertProblemAsync(await PutBlobAsync(readOnly, bytes), HttpStatusCode.Forbidden, "MM3010");
            await AssertProblemAsync(await readOnly.GetAsync("v1/tokens"), HttpStatusCode.Forbidden, "MM3010");
        }

        using HttpClient write = registry.Server.Client(writerSecret);
        await PublishNewAsync(write, "scoped", "1.0.0", bytes);
        await AssertProblemAsync(await write.PostAsync("v1/tokens", Json(new JsonObject { ["name"] = "x", ["scopes"] = new JsonArray("admin") })), HttpStatusCode.Forbidden, "MM3010");

        // Listing never shows a secret; the store keeps only hashes.
        string list = await admin.GetStringAsync("v1/tokens");
        Assert.Contains(writer["id"]!.GetValue<string>(), list, StringComparison.Ordinal);
        Assert.DoesNotContain(writerSecret, list, StringComparison.Ordinal);
        byte[] database = await ReadSharedAsync(Path.Combine(registry.Data.Path, "registry.db"));
        Assert.Equal(-1, database.AsSpan().IndexOf(Encoding.UTF8.GetBytes(writerSecret)));

        using (HttpResponseMessage revoked = await admin.DeleteAsync($"v1/tokens/{writer["id"]!.GetValue<string>()}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);
        }

        await AssertProblemAsync(await PutBlobAsync(write, Bytes(100, 41)), HttpStatusCode.Unauthorized, "MM3009");

        // Tokens never reach the log, whatever happened to them.
        await Task.Delay(200);
        string output = registry.Server.Output;
        Assert.DoesNotContain(writerSecret, output, StringComparison.Ordinal);
        Assert.DoesNotContain(readerSecret, output, StringComparison.Ordinal);
        Assert.DoesNotContain(RegistryServer.AdminToken, output, StringComparison.Ordinal);
        Assert.DoesNotContain("mmr_not-a-real-token", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Hostile_names_and_bodies_are_clean_4xx()
    {
        using HttpClient admin = registry.Admin();
        foreach (string path in new[]
        {
            "v1/models/..%2F..%2Fetc%2Fpasswd",
            "v1/models/%2E%2E",
            "v1/models/x'%3B%20DROP%20TABLE%20versions%3B--",
            "v1/models/ok/versions/1.0.0%27%20OR%20%271%27%3D%271",
            "v1/blobs/sha256/..%2F..%2Fregistry.db",
            $"v1/blobs/sha256/{new string('A', 64)}",
        })
        {
            using HttpResponseMessage response = await admin.GetAsync(path);
            Assert.True((int)response.StatusCode is 400 or 404, $"{path}: {response.StatusCode}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }

        await AssertProblemAsync(await admin.PutAsync("v1/models/x'%3Bdrop/versions/1.0.0", Json(new JsonObject())), HttpStatusCode.BadRequest, "MM3008");

        // An asset file name that climbs out of its folder is a contract error of the manifest.
        byte[] bytes = Bytes(10, 42);
        (await PutBlobAsync(admin, bytes)).Dispose();
        await AssertProblemAsync(await PublishAsync(admin, "traversal", "1.0.0", Manifest("traversal", "1.0.0", bytes, fileName: "../../evil.bin")), HttpStatusCode.UnprocessableEntity, "MM3003");

        // Unknown fields in the API's own bodies are refused, not ignored.
        await PublishNewAsync(admin, "strict", "1.0.0", Bytes(10, 43));
        await AssertProblemAsync(await admin.PutAsync("v1/models/strict/aliases/production", Json(new JsonObject { ["version"] = "1.0.0", ["versoin"] = "2.0.0" })), HttpStatusCode.BadRequest, "MM3013");
        await AssertProblemAsync(await admin.PostAsync("v1/register", Json(new JsonObject { ["url"] = "http://127.0.0.1:1/x.onnx", ["id"] = "a", ["version"] = "1.0.0", ["fileName"] = "../x.onnx" })), HttpStatusCode.BadRequest, "MM3008");

        // Over the JSON body limit (16 MiB).
        // Over the JSON body limit (16 MiB): refused from the Content-Length, before the body is read.
        string tooLarge = await RawHttp.SendAsync(registry.Server.Port,
            $"PUT /v1/models/big/versions/1.0.0 HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {RegistryServer.AdminToken}\r\nContent-Type: application/json\r\nContent-Length: {17 * 1024 * 1024}\r\n\r\n",
            Encoding.ASCII.GetBytes("{\"schemaVersion\":\"1.1\""), closeAfterSending: false);
        Assert.StartsWith("HTTP/1.1 413", tooLarge, StringComparison.Ordinal);
        Assert.Contains("MM3012", tooLarge, StringComparison.Ordinal);

        await AssertProblemAsync(await admin.GetAsync("v1/models/traversal"), HttpStatusCode.NotFound, "MM3004");
    }

    [Fact]
    public async Task Failed_authentication_is_rate_limited()
    {
        using var data = new TempDir();
        await using RegistryServer server = RegistryServer.Start(data.Path, ["--auth-failure-limit", "3"]);
        using HttpClient bad = server.Client("mmr_wrong");
        for (int i = 0; i < 3; i++)
        {
            await AssertProblemAsync(await bad.DeleteAsync("v1/tokens/tok_x"), HttpStatusCode.Unauthorized, "MM3009");
        }

        using HttpResponseMessage limited = await bad.DeleteAsync("v1/tokens/tok_x");
        await AssertProblemAsync(limited, HttpStatusCode.TooManyRequests, "MM3011");
        Assert.NotNull(limited.Headers.RetryAfter);
    }

    [Fact]
    public async Task Reads_can_require_a_token()
    {
        using var data = new TempDir();
        await using RegistryServer server = RegistryServer.Start(data.Path, ["--require-auth-for-reads"]);
        using HttpClient anonymous = server.Client();
        await AssertProblemAsync(await anonymous.GetAsync("v1/models"), HttpStatusCode.Unauthorized, "MM3009");
        using HttpClient admin = server.Client(RegistryServer.AdminToken);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("v1/models")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("healthz")).StatusCode);
    }

    [Fact]
    public async Task Health_readiness_and_openapi_answer()
    {
        using HttpClient anonymous = registry.Anonymous();
        Assert.Equal("ok", await anonymous.GetStringAsync("healthz"));
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("readyz")).StatusCode);
        JsonObject openApi = await GetJsonAsync(anonymous, "openapi/v1.json");
        Assert.True(openApi["paths"]!.AsObject().ContainsKey("/v1/models/{id}/versions/{version}"));
    }

    [Fact]
    public void A_reserved_hugging_face_namespace_is_refused_at_start()
    {
        using var data = new TempDir();
        var e = Assert.Throws<InvalidOperationException>(() => RegistryServer.Start(data.Path, ["--namespace", "models"]));
        Assert.Contains("MM3022", e.Message, StringComparison.Ordinal);
    }

    private static async Task<JsonObject> CreateTokenAsync(HttpClient admin, string name, string scope)
    {
        using HttpResponseMessage response = await admin.PostAsync("v1/tokens", Json(new JsonObject { ["name"] = name, ["scopes"] = new JsonArray(scope) }));
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, body);
        return JsonNode.Parse(body)!.AsObject();
    }

    private static async Task<byte[]> ReadSharedAsync(string path)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        return copy.ToArray();
    }
}
