using System.Net;
using System.Text.Json.Nodes;
using static ModelManifest.Registry.Tests.RegistryApi;

namespace ModelManifest.Registry.Tests;

/// <summary>Two registry instances on one PostgreSQL database (and one shared blob folder), started at the same time.</summary>
public sealed class PostgresRegistryTests : IAsyncLifetime
{
    private readonly TempDir _data = new();
    private PostgresServer _postgres = null!;
    private RegistryServer _first = null!;
    private RegistryServer _second = null!;

    public async Task InitializeAsync()
    {
        _postgres = PostgresServer.Start();
        string[] options = ["--database", _postgres.ConnectionString];
        // Both start (and migrate) at once: the advisory lock makes one wait for the other.
        Task<RegistryServer> first = Task.Run(() => RegistryServer.Start(_data.Path, options));
        Task<RegistryServer> second = Task.Run(() => RegistryServer.Start(_data.Path, options));
        _first = await first;
        _second = await second;
    }

    public async Task DisposeAsync()
    {
        await _first.DisposeAsync();
        await _second.DisposeAsync();
        await _postgres.DisposeAsync();
        _data.Dispose();
    }

    [Fact]
    public async Task Concurrent_publishes_and_alias_moves_over_two_instances_lose_nothing()
    {
        using HttpClient a = _first.Client(RegistryServer.AdminToken);
        using HttpClient b = _second.Client(RegistryServer.AdminToken);
        HttpClient[] instances = [a, b];
        string[] baseline = ["0.1.0", "0.2.0", "0.3.0"];
        foreach (string version in baseline)
        {
            await PublishNewAsync(a, "pg-model", version, Bytes(256, version.GetHashCode(StringComparison.Ordinal)));
        }

        var blobs = Enumerable.Range(0, 50).Select(i => Bytes(256, 1000 + i)).ToArray();
        await Task.WhenAll(blobs.Select((bytes, i) => PutBlobAsync(instances[i % 2], bytes)));

        var publishes = blobs.Select(async (bytes, i) =>
        {
            string version = $"1.0.{i}";
            using HttpResponseMessage response = await PublishAsync(instances[i % 2], "pg-model", version, Manifest("pg-model", version, bytes));
            Assert.True(response.StatusCode == HttpStatusCode.Created, $"{version}: {response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        });
        var moves = Enumerable.Range(0, 30).Select(async i =>
        {
            using HttpResponseMessage response = await instances[(i + 1) % 2].PutAsync("v1/models/pg-model/aliases/production", Json(new JsonObject { ["version"] = baseline[i % 3] }));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        });
        await Task.WhenAll(publishes.Concat(moves));

        string[] expected = baseline.Concat(Enumerable.Range(0, 50).Select(i => $"1.0.{i}")).Order(StringComparer.Ordinal).ToArray();
        foreach (HttpClient instance in instances)
        {
            JsonObject model = await GetJsonAsync(instance, "v1/models/pg-model");
            string[] versions = model["versions"]!.AsArray().Select(v => v!.GetValue<string>()).ToArray();
            Assert.Equal(expected, versions.Order(StringComparer.Ordinal).ToArray());
            ManifestReadResult catalog = ManifestReader.Read(await instance.GetByteArrayAsync("v1/manifest?model=pg-model"));
            Assert.False(catalog.HasErrors, string.Join("\n", catalog.Diagnostics));
            Assert.Equal(expected.Length, catalog.Document!.Models.Length);
        }

        // The history is one chain: every move's previous version is the version of the move before it.
        JsonObject aliases = await GetJsonAsync(b, "v1/models/pg-model/aliases");
        JsonArray history = aliases["history"]!.AsArray();
        Assert.Equal(30, history.Count);
        Assert.Null(history[0]!["previousVersion"]);
        for (int i = 1; i < history.Count; i++)
        {
            Assert.Equal(history[i - 1]!["version"]!.GetValue<string>(), history[i]!["previousVersion"]!.GetValue<string>());
        }

        Assert.Equal(history[^1]!["version"]!.GetValue<string>(), aliases["aliases"]![0]!["version"]!.GetValue<string>());
        Assert.Equal(history[^1]!["version"]!.GetValue<string>(), (await GetJsonAsync(a, "v1/models/pg-model"))["aliases"]!["production"]!.GetValue<string>());
    }

    [Fact]
    public async Task Migrations_are_idempotent_across_restarts()
    {
        await using RegistryServer third = RegistryServer.Start(_data.Path, ["--database", _postgres.ConnectionString]);
        using HttpClient client = third.Client();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("readyz")).StatusCode);
    }
}
