using System.Text;

namespace ModelManifest.Sources.Oci.Tests;

/// <summary>
/// A real CNCF Distribution registry behind the distribution spec's token auth (a token service issuing signed JWTs):
/// basic → bearer exchange with credentials from settings, docker's config.json and a credential helper; anonymous
/// tokens; wrong credentials as a clean error that names the source and never holds the secret.
/// </summary>
public sealed class OciTokenAuthTests : IClassFixture<TokenRegistryFixture>, IDisposable
{
    private const string WrongPassword = "not-the-Pa55word-at-all";
    private readonly TempDir _dir = new();
    private readonly TokenRegistryFixture _registry;

    public OciTokenAuthTests(TokenRegistryFixture registry) => _registry = registry;

    private string Host => _registry.Server.Host;

    private static Dictionary<string, string> GoodLogin => OciTestKit.Login(RegistryTokenServer.Username, RegistryTokenServer.Password);

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task A_login_from_settings_is_exchanged_for_a_token_to_push_and_pull()
    {
        var asset = new SampleAsset("secure", "secure.bin", 40_000, seed: 21);
        int before = _registry.Server.Tokens!.RequestCount;

        await OciTestKit.Target($"oci://{Host}/team/secure", GoodLogin).PushAsync(OciTestKit.Push(_dir, "1.0.0", asset), null, CancellationToken.None);
        var engine = OciTestKit.Engine(_dir);
        engine.AddSource(OciTestKit.Source($"oci://{Host}/team/secure:1.0.0", GoodLogin));
        var fetched = await engine.GetAsync(OciTestKit.Info(asset));

        Assert.Equal(asset.Bytes, await File.ReadAllBytesAsync(fetched.CachePath));
        Assert.True(_registry.Server.Tokens.RequestCount > before, "no token was requested");
    }

    [Fact]
    public async Task Anonymous_pulls_get_an_anonymous_token_where_the_registry_allows_them()
    {
        var asset = new SampleAsset("open", "open.bin", 8_000, seed: 22);
        await OciTestKit.Target($"oci://{Host}/public/open", GoodLogin).PushAsync(OciTestKit.Push(_dir, "1.0.0", asset), null, CancellationToken.None);
        var engine = OciTestKit.Engine(_dir);
        engine.AddSource(OciTestKit.Source($"oci://{Host}/public/open:1.0.0", new() { ["Kind"] = "oci" }));

        var fetched = await engine.GetAsync(OciTestKit.Info(asset));

        Assert.Equal(asset.Bytes, await File.ReadAllBytesAsync(fetched.CachePath));
    }

    [Fact]
    public async Task A_wrong_password_is_a_clean_error_naming_the_source_without_the_secret()
    {
        var asset = new SampleAsset("refused", "refused.bin", 1_000, seed: 23);
        var engine = OciTestKit.Engine(_dir);
        engine.AddSource(OciTestKit.Source($"oci://{Host}/team/refused:1.0.0", OciTestKit.Login(RegistryTokenServer.Username, WrongPassword)));

        var error = await Assert.ThrowsAsync<AssetException>(() => engine.GetAsync(OciTestKit.Info(asset)));

        var attempt = Assert.Single(error.Attempts);
        Assert.Equal($"oci:{Host}/team/refused:1.0.0", attempt.SourceName);
        Assert.Equal("MM1014", attempt.Code);
        Assert.Contains("refused the credentials from the environment variables MM_OCI_TEST_", attempt.Message, StringComparison.Ordinal);
        string everything = error.ToString() + string.Join('\n', error.Attempts);
        Assert.DoesNotContain(WrongPassword, everything, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToBase64String(Encoding.UTF8.GetBytes($"{RegistryTokenServer.Username}:{WrongPassword}")), everything, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_pull_without_a_login_from_a_private_repository_says_how_to_log_in()
    {
        var error = await Assert.ThrowsAsync<AssetSourceException>(async () =>
            await OciTestKit.Source($"oci://{Host}/team/private:1.0.0").ProbeAsync(OciTestKit.Info(new SampleAsset("p", "p.bin", 10, 24)), CancellationToken.None));

        Assert.Equal("MM1011", error.Code);
        Assert.Contains("docker login", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_CLI_logs_in_with_docker_config_json_an_identity_token_a_credential_helper_and_the_default_credential_store()
    {
        var asset = new SampleAsset("cli", "cli.bin", 12_000, seed: 25);
        await OciTestKit.Target($"oci://{Host}/team/cli", GoodLogin).PushAsync(OciTestKit.Push(_dir, "1.0.0", asset), null, CancellationToken.None);
        string manifest = _dir.Write("cli.models.json", Encoding.UTF8.GetBytes(SampleAsset.Manifest(asset)));
        string Fetch(Dictionary<string, string> environment, out int exitCode)
        {
            var result = Tools.Cli(environment, "fetch", "-m", manifest, "--cache", _dir.File("cache-" + Guid.NewGuid().ToString("N")), "--source", $"oci://{Host}/team/cli:1.0.0");
            exitCode = result.ExitCode;
            return result.All;
        }

        // auths: base64 user:password, as 'docker login' writes it.
        string auths = DockerConfig("{\"auths\":{\"" + Host + "\":{\"auth\":\"" + Basic(RegistryTokenServer.Password) + "\"}}}");
        string output = Fetch(new() { ["DOCKER_CONFIG"] = auths }, out int exit);
        Assert.True(exit == 0, output);

        // credHelpers: docker-credential-<name> on PATH answers 'get' with the login as JSON.
        string bin = _dir.Sub("bin");
        string helper = Path.Combine(bin, "docker-credential-mmtest");
        File.WriteAllText(helper, $$"""
            #!/bin/sh
            read host
            [ "$host" = "{{Host}}" ] || exit 1
            printf '{"ServerURL":"%s","Username":"{{RegistryTokenServer.Username}}","Secret":"{{RegistryTokenServer.Password}}"}' "$host"
            """);
        File.SetUnixFileMode(helper, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        string helpers = DockerConfig($$$"""{"credHelpers":{"{{{Host}}}":"mmtest"}}""");
        output = Fetch(new() { ["DOCKER_CONFIG"] = helpers, ["PATH"] = bin + ":" + Environment.GetEnvironmentVariable("PATH") }, out exit);
        Assert.True(exit == 0, output);

        // credsStore, as Docker Desktop writes it: an empty auths entry for the host, the login in the default store.
        string store = DockerConfig($$$"""{"auths":{"{{{Host}}}":{}},"credsStore":"mmtest"}""");
        output = Fetch(new() { ["DOCKER_CONFIG"] = store, ["PATH"] = bin + ":" + Environment.GetEnvironmentVariable("PATH") }, out exit);
        Assert.True(exit == 0, output);

        // identitytoken: an OAuth2 refresh token, exchanged at the token service (never sent as a password).
        string identity = DockerConfig("{\"auths\":{\"" + Host + "\":{\"identitytoken\":\"" + RegistryTokenServer.IdentityToken + "\"}}}");
        output = Fetch(new() { ["DOCKER_CONFIG"] = identity }, out exit);
        Assert.True(exit == 0, output);

        // A wrong password in config.json: one error naming the source, no secret.
        string wrong = DockerConfig("{\"auths\":{\"https://" + Host + "/v1/\":{\"auth\":\"" + Basic(WrongPassword) + "\"}}}");
        output = Fetch(new() { ["DOCKER_CONFIG"] = wrong }, out exit);
        Assert.Equal(1, exit);
        Assert.Contains($"oci:{Host}/team/cli:1.0.0: MM1014", output, StringComparison.Ordinal);
        Assert.DoesNotContain(WrongPassword, output, StringComparison.Ordinal);
        Assert.DoesNotContain(Basic(WrongPassword), output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
    }

    private static string Basic(string password) => Convert.ToBase64String(Encoding.UTF8.GetBytes($"{RegistryTokenServer.Username}:{password}"));

    private string DockerConfig(string json)
    {
        string folder = _dir.Sub("docker-" + Guid.NewGuid().ToString("N"));
        File.WriteAllText(Path.Combine(folder, "config.json"), json);
        return folder;
    }
}
