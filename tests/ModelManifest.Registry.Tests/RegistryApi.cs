using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace ModelManifest.Registry.Tests;

/// <summary>What the tests do against a registry: upload blobs, publish versions built from a few facts, read JSON.</summary>
internal static class RegistryApi
{
    public static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    public static async Task<HttpResponseMessage> PutBlobAsync(HttpClient client, byte[] bytes, string? sha256 = null)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        return await client.PutAsync($"v1/blobs/sha256/{sha256 ?? Sha256(bytes)}", content);
    }

    /// <summary>A manifest with one model (<paramref name="id"/>@<paramref name="version"/>) and one asset of <paramref name="bytes"/>.</summary>
    public static JsonObject Manifest(string id, string version, byte[] bytes, string fileName = "weights.bin", string[]? tags = null, string assetId = "weights", JsonObject? extra = null)
    {
        var model = new JsonObject
        {
            ["id"] = id,
            ["version"] = version,
            ["description"] = $"test model {id}",
            ["tags"] = new JsonArray((tags ?? ["test"]).Select(t => (JsonNode)JsonValue.Create(t)).ToArray()),
            ["assets"] = new JsonArray(new JsonObject { ["id"] = assetId, ["role"] = "weights" }),
        };
        foreach (var (key, value) in extra ?? [])
        {
            model[key] = value?.DeepClone();
        }

        return new JsonObject
        {
            ["schemaVersion"] = "1.1",
            ["models"] = new JsonArray(model),
            ["assets"] = new JsonArray(new JsonObject
            {
                ["id"] = assetId,
                ["fileName"] = fileName,
                ["size"] = bytes.Length,
                ["sha256"] = Sha256(bytes),
                ["format"] = "other",
            }),
        };
    }

    public static Task<HttpResponseMessage> PublishAsync(HttpClient client, string id, string version, JsonObject manifest) =>
        client.PutAsync($"v1/models/{Uri.EscapeDataString(id)}/versions/{Uri.EscapeDataString(version)}", Json(manifest));

    /// <summary>Uploads the blob and publishes the version; asserts 201.</summary>
    public static async Task<JsonObject> PublishNewAsync(HttpClient client, string id, string version, byte[] bytes, string[]? tags = null)
    {
        using HttpResponseMessage blob = await PutBlobAsync(client, bytes);
        Assert.True(blob.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK, await blob.Content.ReadAsStringAsync());
        using HttpResponseMessage response = await PublishAsync(client, id, version, Manifest(id, version, bytes, tags: tags));
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{response.StatusCode}: {body}");
        return JsonNode.Parse(body)!.AsObject();
    }

    public static StringContent Json(JsonNode body) => new(body.ToJsonString(), Encoding.UTF8, "application/json");

    public static async Task<JsonObject> GetJsonAsync(HttpClient client, string path, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using HttpResponseMessage response = await client.GetAsync(path);
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"GET {path}: {response.StatusCode}: {body}");
        return JsonNode.Parse(body)!.AsObject();
    }

    /// <summary>Asserts a problem answer: status, content type and MM code.</summary>
    public static async Task<JsonObject> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"expected {status} {code}, got {response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        JsonObject problem = JsonNode.Parse(body)!.AsObject();
        Assert.Equal(code, problem["code"]!.GetValue<string>());
        Assert.DoesNotContain("   at ", body, StringComparison.Ordinal);
        return problem;
    }

    /// <summary>Deterministic bytes of a given length, different per seed.</summary>
    public static byte[] Bytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }
}
