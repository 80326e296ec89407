using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using ModelManifest.Assets;
using static ModelManifest.Registry.Tests.RegistryApi;

namespace ModelManifest.Registry.Tests;

/// <summary>Publishing, reading, searching, immutability, aliases, stages and the manifest document on a SQLite registry.</summary>
public sealed class RegistryCatalogTests(RegistryFixture registry) : IClassFixture<RegistryFixture>
{
    [Fact]
    public async Task Published_version_is_listed_searchable_and_readable()
    {
        using HttpClient admin = registry.Admin();
        using HttpClient anonymous = registry.Anonymous();
        byte[] bytes = Bytes(1000, 1);
        await PublishNewAsync(admin, "catalog-read", "1.0.0", bytes, ["vision", "small"]);
        await PublishNewAsync(admin, "catalog-read", "1.2.0", Bytes(1000, 2), ["vision", "small"]);

        JsonObject model = await GetJsonAsync(anonymous, "v1/models/catalog-read");
        Assert.Equal("1.2.0", model["latestVersion"]!.GetValue<string>());
        Assert.Equal(["1.0.0", "1.2.0"], model["versions"]!.AsArray().Select(v => v!.GetValue<string>()));

        JsonObject version = await GetJsonAsync(anonymous, "v1/models/catalog-read/versions/1.0.0");
        Assert.Equal(Sha256(bytes), version["assets"]![0]!["sha256"]!.GetValue<string>());
        Assert.Equal("catalog-read", version["manifest"]!["models"]![0]!["id"]!.GetValue<string>());

        JsonObject byTag = await GetJsonAsync(anonymous, "v1/models?tag=vision");
        Assert.Contains(byTag["models"]!.AsArray(), m => m!["id"]!.GetValue<string>() == "catalog-read");
        JsonObject byText = await GetJsonAsync(anonymous, "v1/models?q=CATALOG-RE");
        Assert.Contains(byText["models"]!.AsArray(), m => m!["id"]!.GetValue<string>() == "catalog-read");
        JsonObject none = await GetJsonAsync(anonymous, "v1/models?tag=no-such-tag");
        Assert.Empty(none["models"]!.AsArray());
        await AssertProblemAsync(await anonymous.GetAsync("v1/models/no-such-model"), HttpStatusCode.NotFound, "MM3004");
    }

    [Fact]
    public async Task Republishing_identical_is_200_and_different_digests_are_409_naming_both()
    {
        using HttpClient admin = registry.Admin();
        byte[] first = Bytes(500, 3);
        byte[] second = Bytes(500, 4);
        await PublishNewAsync(admin, "immutable", "1.0.0", first);

        using HttpResponseMessage again = await PublishAsync(admin, "immutable", "1.0.0", Manifest("immutable", "1.0.0", first));
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);

        (await PutBlobAsync(admin, second)).Dispose();
        JsonObject problem = await AssertProblemAsync(await PublishAsync(admin, "immutable", "1.0.0", Manifest("immutable", "1.0.0", second)), HttpStatusCode.Conflict, "MM3001");
        string detail = problem["detail"]!.GetValue<string>();
        Assert.Contains(Sha256(first), detail, StringComparison.Ordinal);
        Assert.Contains(Sha256(second), detail, StringComparison.Ordinal);

        JsonObject version = await GetJsonAsync(admin, "v1/models/immutable/versions/1.0.0");
        Assert.Equal(Sha256(first), version["assets"]![0]!["sha256"]!.GetValue<string>());
    }

    [Fact]
    public async Task Publish_refuses_missing_blobs_bad_json_contract_errors_and_mismatched_ids()
    {
        using HttpClient admin = registry.Admin();
        byte[] never = Bytes(10, 5);
        JsonObject missing = await AssertProblemAsync(await PublishAsync(admin, "refused", "1.0.0", Manifest("refused", "1.0.0", never)), HttpStatusCode.Conflict, "MM3005");
        Assert.Contains(Sha256(never), missing["detail"]!.GetValue<string>(), StringComparison.Ordinal);

        using var badJson = new StringContent("{ not json", System.Text.Encoding.UTF8, "application/json");
        await AssertProblemAsync(await admin.PutAsync("v1/models/refused/versions/1.0.0", badJson), HttpStatusCode.BadRequest, "MM3002");

        JsonObject invalid = Manifest("refused", "1.0.0", never);
        invalid["assets"]![0]!["sha256"] = "not-a-sha";
        JsonObject contract = await AssertProblemAsync(await PublishAsync(admin, "refused", "1.0.0", invalid), HttpStatusCode.UnprocessableEntity, "MM3003");
        Assert.NotEmpty(contract["diagnostics"]!.AsArray());
        Assert.StartsWith("MM0", contract["diagnostics"]![0]!["id"]!.GetValue<string>(), StringComparison.Ordinal);

        await AssertProblemAsync(await PublishAsync(admin, "refused", "2.0.0", Manifest("refused", "1.0.0", never)), HttpStatusCode.UnprocessableEntity, "MM3021");
        await AssertProblemAsync(await admin.GetAsync("v1/models/refused"), HttpStatusCode.NotFound, "MM3004");
    }

    [Fact]
    public async Task Alias_moves_atomically_and_keeps_history()
    {
        using HttpClient admin = registry.Admin();
        await PublishNewAsync(admin, "aliased", "1.0.0", Bytes(100, 6));
        await PublishNewAsync(admin, "aliased", "2.0.0", Bytes(100, 7));

        using HttpResponseMessage first = await admin.PutAsync("v1/models/aliased/aliases/production", Json(new JsonObject { ["version"] = "1.0.0" }));
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        using HttpResponseMessage moved = await admin.PutAsync("v1/models/aliased/aliases/production", Json(new JsonObject { ["version"] = "2.0.0" }));
        JsonObject move = JsonNode.Parse(await moved.Content.ReadAsStringAsync())!.AsObject();
        Assert.Equal("1.0.0", move["previousVersion"]!.GetValue<string>());

        await AssertProblemAsync(await admin.PutAsync("v1/models/aliased/aliases/production", Json(new JsonObject { ["version"] = "9.9.9" })), HttpStatusCode.NotFound, "MM3004");

        JsonObject aliases = await GetJsonAsync(admin, "v1/models/aliased/aliases");
        Assert.Equal("2.0.0", aliases["aliases"]![0]!["version"]!.GetValue<string>());
        JsonArray history = aliases["history"]!.AsArray();
        Assert.Equal(2, history.Count);
        Assert.Equal("bootstrap-admin", history[1]!["changedBy"]!.GetValue<string>());
        Assert.Equal("1.0.0", history[1]!["previousVersion"]!.GetValue<string>());

        JsonObject byAlias = await GetJsonAsync(admin, "v1/models/aliased/versions/production");
        Assert.Equal("2.0.0", byAlias["version"]!.GetValue<string>());
        JsonObject model = await GetJsonAsync(admin, "v1/models/aliased");
        Assert.Equal("2.0.0", model["aliases"]!["production"]!.GetValue<string>());

        using HttpResponseMessage stage = await admin.PutAsync("v1/models/aliased/versions/1.0.0/stage", Json(new JsonObject { ["stage"] = "archived" }));
        Assert.Equal(HttpStatusCode.OK, stage.StatusCode);
        Assert.Equal("archived", (await GetJsonAsync(admin, "v1/models/aliased"))["stages"]!["1.0.0"]!.GetValue<string>());

        using HttpResponseMessage deleted = await admin.DeleteAsync("v1/models/aliased/aliases/production");
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Empty((await GetJsonAsync(admin, "v1/models/aliased"))["aliases"]!.AsObject());
    }

    [Fact]
    public async Task Manifest_document_is_a_valid_manifest_with_etag_and_304()
    {
        using HttpClient admin = registry.Admin();
        byte[] bytes = Bytes(2000, 8);
        await PublishNewAsync(admin, "manifested", "1.0.0", bytes);
        await PublishNewAsync(admin, "manifested", "1.1.0", Bytes(2000, 9));

        using HttpResponseMessage response = await admin.GetAsync("v1/manifest?model=manifested");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        EntityTagHeaderValue etag = response.Headers.ETag!;
        Assert.False(etag.IsWeak);
        byte[] body = await response.Content.ReadAsByteArrayAsync();
        ManifestReadResult read = ManifestReader.Read(body);
        Assert.False(read.HasErrors, string.Join("\n", read.Diagnostics));
        Assert.Equal(2, read.Document!.Models.Length);
        AssetInfo asset = read.Document.Assets.Single(a => a.Sha256 == Sha256(bytes));
        Assert.Equal($"{registry.Server.BaseUrl}/v1/blobs/sha256/{Sha256(bytes)}", asset.Urls.Single());

        using var conditional = new HttpRequestMessage(HttpMethod.Get, "v1/manifest?model=manifested");
        conditional.Headers.IfNoneMatch.Add(etag);
        using HttpResponseMessage notModified = await admin.SendAsync(conditional);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);

        // The runtime's own manifest source reads it as is.
        using var temp = new TempDir();
        using var source = new HttpManifestSource(new Uri($"{registry.Server.BaseUrl}/v1/manifest?model=manifested"), temp.File("cache.json"));
        ManifestDocument loaded = await source.LoadAsync(offline: false, CancellationToken.None);
        Assert.Equal(2, loaded.Models.Length);

        // A new version changes the document and its ETag.
        await PublishNewAsync(admin, "manifested", "1.2.0", Bytes(2000, 10));
        using var after = new HttpRequestMessage(HttpMethod.Get, "v1/manifest?model=manifested");
        after.Headers.IfNoneMatch.Add(etag);
        using HttpResponseMessage changed = await admin.SendAsync(after);
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.NotEqual(etag, changed.Headers.ETag);
    }

    [Fact]
    public async Task Assets_shared_by_key_with_different_bytes_stay_a_valid_manifest()
    {
        using HttpClient admin = registry.Admin();
        // Both versions name their asset "weights" (no tag) with other bytes: the catalog must not hold one key twice.
        await PublishNewAsync(admin, "retagged", "1.0.0", Bytes(64, 11));
        await PublishNewAsync(admin, "retagged", "2.0.0", Bytes(64, 12));
        using HttpResponseMessage response = await admin.GetAsync("v1/manifest?model=retagged");
        ManifestReadResult read = ManifestReader.Read(await response.Content.ReadAsByteArrayAsync());
        Assert.False(read.HasErrors, string.Join("\n", read.Diagnostics));
        Assert.Equal(2, read.Document!.Assets.Length);
    }
}
