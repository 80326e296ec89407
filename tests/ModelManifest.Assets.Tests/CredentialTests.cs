using ModelManifest.Assets.Tests.Infrastructure;

namespace ModelManifest.Assets.Tests;

public sealed class CredentialTests : LoopbackTestBase
{
    private const string Token = "tok-5ecret-Value-91823";
    private readonly string _variable = "MM_TEST_TOKEN_" + Guid.NewGuid().ToString("N")[..8];
    private LoopbackServer _otherHost = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _otherHost = await LoopbackServer.StartAsync();
        Environment.SetEnvironmentVariable(_variable, Token);
    }

    public override async Task DisposeAsync()
    {
        Environment.SetEnvironmentVariable(_variable, null);
        await _otherHost.DisposeAsync();
        await base.DisposeAsync();
    }

    [Fact]
    public async Task A_bearer_token_from_the_environment_is_sent_and_never_logged()
    {
        var content = TestContent.Bytes(2 << 20, 80);
        var asset = TestFiles.Asset(content);
        var served = Server.Add(asset.FileName, content);
        served.RequiredAuthorization = "Bearer " + Token;
        served.DropAfterBytes = 1 << 20;
        served.DropCount = 1;
        var credential = HttpCredential.BearerFromEnvironment(_variable);
        Engine.Manager.AddSource(Engine.Http(Server.BaseUrl, configure: o => o.Credential = credential));

        var result = await Engine.Manager.GetAsync(asset);

        Assert.Equal(content, File.ReadAllBytes(result.CachePath));
        Assert.NotEmpty(Engine.Log);
        AssertNoSecret(string.Join("\n", Engine.Log), credential.ToString(), result.ToString());
    }

    [Fact]
    public async Task A_rejected_token_and_a_failing_presigned_url_leave_no_secret_in_the_exception_or_logs()
    {
        var content = TestContent.Bytes(1000, 81);
        Server.Add("w.bin", content).RequiredAuthorization = "Bearer something-else";
        _otherHost.Add("signed.bin", content).Status = 500;
        var asset = TestFiles.Asset(content, fileName: "w.bin") with
        {
            Urls = [new Uri(_otherHost.BaseUrl, "signed.bin?X-Amz-Signature=SIGSECRET123&X-Amz-Credential=AKIASECRET").AbsoluteUri],
        };
        var basicVariable = _variable + "_BASIC";
        Environment.SetEnvironmentVariable(basicVariable, "alice:pa55-w0rd-secret");
        try
        {
            Engine.Manager
                .AddSource(Engine.Http(Server.BaseUrl, configure: o => { o.Credential = HttpCredential.BearerFromEnvironment(_variable); o.MaxRetries = 1; }))
                .AddSource(Engine.Http(Server.BaseUrl, configure: o => { o.Credential = HttpCredential.BasicFromEnvironment(basicVariable); o.UseUrlHints = false; o.Name = "basic"; }));

            var error = await Assert.ThrowsAsync<AssetException>(() => Engine.Manager.GetAsync(asset));

            var text = error.ToString() + "\n" + string.Join("\n", error.Attempts) + "\n" + string.Join("\n", Engine.Log);
            AssertNoSecret(text);
            Assert.DoesNotContain("pa55-w0rd-secret", text);
            Assert.DoesNotContain(Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes("alice:pa55-w0rd-secret")), text);
            Assert.Contains("HTTP 401", text);
            Assert.Contains("?REDACTED", text);
            Assert.Equal(0, _otherHost.Requests.Count(r => r.Authorization.Length > 0));
        }
        finally
        {
            Environment.SetEnvironmentVariable(basicVariable, null);
        }
    }

    [Fact]
    public async Task A_redirect_to_another_host_does_not_carry_the_credentials()
    {
        var content = TestContent.Bytes(1000, 82);
        var asset = TestFiles.Asset(content);
        _otherHost.Add("elsewhere.bin", content);
        Server.Add(asset.FileName, content).RedirectTo = new Uri(_otherHost.BaseUrl, "elsewhere.bin").AbsoluteUri;
        Engine.Manager.AddSource(Engine.Http(Server.BaseUrl, configure: o => o.Credential = HttpCredential.BearerFromEnvironment(_variable)));

        var result = await Engine.Manager.GetAsync(asset);

        Assert.Equal(content, File.ReadAllBytes(result.CachePath));
        Assert.Equal("Bearer " + Token, Assert.Single(Server.Requests).Authorization);
        Assert.Equal(string.Empty, Assert.Single(_otherHost.Requests).Authorization);
    }

    private static void AssertNoSecret(params string[] texts)
    {
        foreach (var text in texts)
        {
            Assert.DoesNotContain(Token, text);
            Assert.DoesNotContain("SIGSECRET123", text);
            Assert.DoesNotContain("AKIASECRET", text);
        }
    }
}
