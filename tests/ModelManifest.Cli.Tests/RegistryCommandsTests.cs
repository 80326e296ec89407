using System.Text.Json;
using System.Text.Json.Nodes;

namespace ModelManifest.Cli.Tests;

/// <summary>
/// The registry commands run as a process against a loopback registry (<see cref="FakeRegistry"/>, the contract's
/// endpoints): push → pull --into → fetch, register --wait, alias, token, ls, show, and their clean errors.
/// </summary>
public sealed class RegistryCommandsTests : IAsyncLifetime
{
    private const string Token = "mmr_cli-secret-token-42";
    private readonly TempDir _dir = new();
    private FakeRegistry _registry = null!;

    private string Url => _registry.BaseUrl.ToString();

    public async Task InitializeAsync() => _registry = await FakeRegistry.StartAsync();

    public async Task DisposeAsync()
    {
        await _registry.DisposeAsync();
        _dir.Dispose();
    }

    [Fact]
    public void Push_then_pull_into_a_manifest_writes_a_valid_entry_that_fetch_serves_from_the_registry()
    {
        _registry.WriteToken = Token;
        var content = TestContent.Bytes(3000, 931);
        string published = PublishableManifest("weather", "1.2.0", ("weather-weights", content));

        var push = Run("push", published, "--registry", Url, "--token-env", "MM_REGISTRY_TOKEN");
        var again = Run("push", published, "--registry", Url, "--token-env", "MM_REGISTRY_TOKEN");
        string project = Path.Combine(_dir.Path, "project", "app.models.json");
        Directory.CreateDirectory(Path.GetDirectoryName(project)!);
        var pull = Run("pull", "weather", "--registry", Url, "--into", project);
        var fetch = Run("fetch", "weather", "-m", project, "--cache", Path.Combine(_dir.Path, "fetch-cache"), "--source", "registry+" + Url, "--json");

        Assert.True(push.ExitCode == 0, push.StdErr);
        Assert.Contains("1 uploaded, 0 already there", push.StdErr);
        Assert.Contains("0 uploaded, 1 already there", again.StdErr);
        Assert.True(pull.ExitCode == 0, pull.StdErr);
        Assert.StartsWith($"created {project}: model weather 1.2.0 from registry:{Url.TrimEnd('/')}, 1 asset(s)", pull.StdOut);
        string written = File.ReadAllText(project);
        SchemaValidation.AssertValid(written);
        var asset = JsonNode.Parse(written)!["assets"]![0]!;
        Assert.Equal(TestContent.Sha256(content), (string?)asset["sha256"]);
        Assert.Equal(new Uri(_registry.BaseUrl, "v1/blobs/sha256/" + TestContent.Sha256(content)).ToString(), (string?)asset["urls"]![0]);
        Assert.True(fetch.ExitCode == 0, fetch.StdErr);
        Assert.Equal("registry:" + Url.TrimEnd('/'), JsonDocument.Parse(fetch.StdOut).RootElement.GetProperty("assets")[0].GetProperty("source").GetString());
        Assert.DoesNotContain(Token, push.StdOut + push.StdErr + again.StdErr + pull.StdOut + pull.StdErr);
    }

    [Fact]
    public void Pull_of_an_alias_writes_the_version_it_points_to_and_updates_an_existing_manifest_in_place()
    {
        Publish("ranker", "1.0.0", ("ranker-v1", TestContent.Bytes(100, 932)));
        Publish("ranker", "2.0.0", ("ranker-v2", TestContent.Bytes(100, 933)));
        Assert.Equal(0, Run("alias", "set", "ranker", "production", "1.0.0", "--registry", Url).ExitCode);
        string project = _dir.Write("app.models.json", "{\n  // kept\n  \"schemaVersion\": \"1.1\",\n  \"models\": [],\n  \"assets\": []\n}\n"u8.ToArray());

        var pull = Run("pull", "ranker@production", "--registry", Url, "--into", project, "--json");

        Assert.True(pull.ExitCode == 0, pull.StdErr);
        var answer = JsonNode.Parse(pull.StdOut)!;
        Assert.Equal(("1.0.0", false), ((string?)answer["version"], (bool)answer["created"]!));
        string written = File.ReadAllText(project);
        Assert.Contains("// kept", written);
        Assert.Contains("\"ranker-v1\"", written);
        Assert.DoesNotContain("ranker-v2", written);
    }

    [Fact]
    public void Pull_refuses_to_repoint_an_asset_that_another_model_of_the_manifest_uses()
    {
        Publish("tagger", "2.0.0", ("shared", TestContent.Bytes(100, 934)));
        string project = _dir.Write("app.models.json", System.Text.Encoding.UTF8.GetBytes(
            FakeRegistry.OneModelManifest("tagger", "1.0.0", ("shared", TestContent.Bytes(100, 935)))));
        byte[] before = File.ReadAllBytes(project);

        var pull = Run("pull", "tagger@2.0.0", "--registry", Url, "--into", project);

        Assert.Equal(2, pull.ExitCode);
        CliRunner.AssertOneCleanErrorLine(pull, "MM2701");
        Assert.Contains("used by tagger@1.0.0", pull.StdErr);
        Assert.Equal(before, File.ReadAllBytes(project));
    }

    [Fact]
    public void Register_with_wait_prints_the_job_progress_and_ends_ready()
    {
        _registry.WriteToken = Token;

        var result = Run("register", "http://127.0.0.1:1/checkpoints/model.onnx?sig=presigned-secret", "--id", "onnx-model", "--version", "1.0.0",
            "--registry", Url, "--token-env", "MM_REGISTRY_TOKEN", "--wait", "--poll-interval", "0.05");

        Assert.True(result.ExitCode == 0, result.StdErr);
        Assert.Matches(@"job \w+: pending\njob \w+: downloading 50% \(50 B of 100 B\)\n", result.StdErr.ReplaceLineEndings("\n"));
        Assert.StartsWith("ready: onnx-model@1.0.0 (job ", result.StdOut);
        Assert.DoesNotContain("presigned-secret", result.StdOut + result.StdErr);
    }

    [Fact]
    public void A_failed_register_job_is_its_MM_error_and_exit_1()
    {
        var result = Run("register", "http://127.0.0.1:1/fail.onnx", "--id", "broken", "--version", "1.0.0", "--registry", Url, "--wait", "--poll-interval", "0.05", "--json");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("failed", (string?)JsonNode.Parse(result.StdOut)!["status"]);
        Assert.Contains("error MM3015: job ", result.StdErr);
        Assert.Contains("the checkpoint URL answered HTTP 404", result.StdErr);
    }

    [Fact]
    public void Alias_set_moves_the_alias_and_alias_ls_lists_it_with_its_history()
    {
        Publish("scorer", "1.0.0", ("scorer-a", TestContent.Bytes(10, 936)));
        Publish("scorer", "1.1.0", ("scorer-b", TestContent.Bytes(10, 937)));

        var first = Run("alias", "set", "scorer", "production", "1.0.0", "--registry", Url);
        var moved = Run("alias", "set", "scorer", "production", "1.1.0", "--registry", Url);
        var ls = Run("alias", "ls", "scorer", "--registry", Url, "--json");

        Assert.Equal("scorer: production -> 1.0.0 (new)", first.StdOut.Trim());
        Assert.Equal("scorer: production -> 1.1.0 (was 1.0.0)", moved.StdOut.Trim());
        var answer = JsonNode.Parse(ls.StdOut)!;
        Assert.Equal(1, (int)answer["formatVersion"]!);
        Assert.Equal("1.1.0", (string?)answer["aliases"]![0]!["version"]);
        Assert.Equal(2, answer["history"]!.AsArray().Count);
        Assert.Equal("1.1.0", _registry.AliasOf("scorer", "production"));
    }

    [Fact]
    public void Token_create_prints_the_new_token_once_on_stdout_and_token_revoke_removes_it()
    {
        _registry.WriteToken = Token;

        var created = Run("token", "create", "ci", "--scope", "read", "write", "--registry", Url, "--token-env", "MM_REGISTRY_TOKEN");
        string id = _registry.TokenIds().Single();
        var revoked = Run("token", "revoke", id, "--registry", Url, "--token-env", "MM_REGISTRY_TOKEN");

        Assert.True(created.ExitCode == 0, created.StdErr);
        Assert.Matches("^mmr_[A-Za-z0-9_-]{43}$", created.StdOut.Trim());
        Assert.Contains($"token {id} (ci; read, write) created", created.StdErr);
        Assert.Equal($"revoked token {id}", revoked.StdOut.Trim());
        Assert.Empty(_registry.TokenIds());
    }

    [Fact]
    public void Ls_and_show_print_the_registry_models_as_json_and_as_tables()
    {
        Publish("detector", "0.9.0", ("detector-w", TestContent.Bytes(2048, 938)));

        var ls = Run("ls", "--registry", Url, "--json");
        var showModel = Run("show", "detector", "--registry", Url);
        var showVersion = Run("show", "detector@0.9.0", "--registry", Url, "--json");

        Assert.Equal("detector", (string?)JsonNode.Parse(ls.StdOut)!["models"]![0]!["id"]);
        Assert.Contains("0.9.0", showModel.StdOut);
        var version = JsonNode.Parse(showVersion.StdOut)!;
        Assert.Equal(("detector", "0.9.0"), ((string?)version["id"], (string?)version["version"]));
        Assert.Equal(2048, (long)version["assets"]![0]!["size"]!);
    }

    [Fact]
    public void A_registry_refusal_is_one_clean_MM3xxx_line_exit_2_and_never_the_token()
    {
        _registry.WriteToken = "mmr_the-right-one";

        var refused = Run("alias", "set", "any", "production", "1.0.0", "--registry", Url, "--token-env", "MM_REGISTRY_TOKEN");
        var unknown = Run("show", "nosuch", "--registry", Url);

        Assert.Equal(2, refused.ExitCode);
        CliRunner.AssertOneCleanErrorLine(refused, "MM3009");
        Assert.DoesNotContain(Token, refused.StdErr + refused.StdOut);
        Assert.Equal(2, unknown.ExitCode);
        CliRunner.AssertOneCleanErrorLine(unknown, "MM3004");
        Assert.Contains("no model nosuch", unknown.StdErr);
    }

    [Theory]
    [InlineData("MM1006", "ls", "--registry", "http://127.0.0.1:9/")]
    [InlineData("MM2002", "ls", "--registry", "ftp://registry.example/")]
    [InlineData("MM2002", "ls", "--registry", "https://user:pw-secret@registry.example/")]
    [InlineData("MM2002", "ls", "--registry", "http://127.0.0.1:9/", "--token-env", "MM_REGISTRY_TOKEN_NOT_SET")]
    public void Unreachable_registries_bad_urls_and_unset_token_variables_are_clean_errors(string code, params string[] args)
    {
        var result = Run(args);

        Assert.Equal(2, result.ExitCode);
        CliRunner.AssertOneCleanErrorLine(result, code);
        Assert.DoesNotContain("pw-secret", result.StdErr);
    }

    /// <summary>Runs the tool with the token in MM_REGISTRY_TOKEN and a cache of this test.</summary>
    private CliRunner.Result Run(params string[] args) => CliRunner.RunWithEnvironment(
        new Dictionary<string, string> { ["MM_REGISTRY_TOKEN"] = Token, ["MODELMANIFEST_CACHE"] = Path.Combine(_dir.Path, "cache") }, args);

    /// <summary>A manifest of one model version with its asset files beside it, ready for <c>push</c>.</summary>
    private string PublishableManifest(string id, string version, params (string AssetId, byte[] Content)[] assets)
    {
        string folder = Path.Combine(_dir.Path, "publish-" + id + "-" + version);
        Directory.CreateDirectory(folder);
        foreach (var (assetId, content) in assets)
        {
            File.WriteAllBytes(Path.Combine(folder, assetId + ".bin"), content);
        }

        string manifest = Path.Combine(folder, id + ".models.json");
        File.WriteAllText(manifest, FakeRegistry.OneModelManifest(id, version, assets));
        return manifest;
    }

    /// <summary>Publishes a version straight into the registry (its blobs too).</summary>
    private void Publish(string id, string version, params (string AssetId, byte[] Content)[] assets)
    {
        foreach (var (_, content) in assets)
        {
            _registry.AddBlob(content);
        }

        _registry.Publish(FakeRegistry.OneModelManifest(id, version, assets));
    }
}
