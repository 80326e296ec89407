namespace ModelManifest.Cli.Tests;

/// <summary>
/// <c>fetch</c> as a real process against a loopback HTTPS server that offers HTTP/2 and HTTP/1.1 by ALPN, as CDNs and
/// the Hugging Face hub do. The engine takes HTTP/2, so many small assets share one connection instead of opening one
/// each. The client trusts the server's self-signed certificate through <c>SSL_CERT_FILE</c>, which .NET on Linux
/// reads like OpenSSL does.
/// </summary>
public sealed class FetchHttp2Tests : IAsyncLifetime
{
    private readonly TempDir _dir = new();
    private readonly SampleAsset[] _assets = [.. Enumerable.Range(0, 12).Select(i => new SampleAsset($"piece{i:00}", $"piece{i:00}.bin", 32 * 1024 + i, seed: 400 + i))];
    private LoopbackServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = await LoopbackServer.StartAsync(https: true);
        foreach (SampleAsset asset in _assets)
        {
            // Paced, so several requests are in flight at once and would need several HTTP/1.1 connections.
            _server.Add(asset.HttpPath, new ServedFile(asset.Bytes) { BytesPerSecondPerConnection = 128 * 1024 });
        }
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _dir.Dispose();
    }

    [Fact]
    public void A_server_that_offers_HTTP2_serves_every_asset_over_HTTP2_on_one_connection()
    {
        Assert.StartsWith("https://", _server.BaseUrl.ToString(), StringComparison.Ordinal);
        string trusted = _dir.Write("server.pem", System.Text.Encoding.ASCII.GetBytes(_server.CertificatePem!));
        string manifest = _dir.Write("pieces.models.json", System.Text.Encoding.UTF8.GetBytes(SampleAsset.Manifest(_assets)));

        CliRunner.Result result = CliRunner.RunWithEnvironment(
            new Dictionary<string, string> { ["SSL_CERT_FILE"] = trusted, ["SSL_CERT_DIR"] = _dir.Sub("no-other-roots") },
            "fetch", "-m", manifest, "--cache", _dir.File("cache"), "--source", _server.BaseUrl.ToString());

        Assert.True(result.ExitCode == 0, result.StdErr + result.StdOut);
        Assert.Equal(_assets.Length, _server.RequestCount);
        Assert.All(_server.Requests, r => Assert.Equal("HTTP/2", r.Protocol));
        Assert.True(_server.MaxInFlight > 1, $"the requests never overlapped (at most {_server.MaxInFlight} at once)");
        Assert.Equal(1, _server.ConnectionCount);
    }

    [Fact]
    public void A_server_whose_certificate_is_not_trusted_is_one_clean_error_that_names_the_cause_without_retrying()
    {
        string manifest = _dir.Write("one.models.json", System.Text.Encoding.UTF8.GetBytes(SampleAsset.Manifest([_assets[0]])));

        CliRunner.Result result = CliRunner.RunWithEnvironment(
            new Dictionary<string, string> { ["SSL_CERT_DIR"] = _dir.Sub("empty-roots"), ["SSL_CERT_FILE"] = _dir.File("no-such-bundle.pem") },
            "fetch", "-m", manifest, "--cache", _dir.File("cache2"), "--source", _server.BaseUrl.ToString());

        Assert.True(result.ExitCode == 1, result.StdErr + result.StdOut);
        string output = result.StdErr + result.StdOut;
        Assert.True(output.Contains("the TLS handshake failed", StringComparison.Ordinal) && output.Contains("SSL_CERT_FILE", StringComparison.Ordinal), output);
        Assert.DoesNotContain("inner exception", output, StringComparison.Ordinal); // HttpClient's own words say nothing
        Assert.DoesNotContain("attempts", output, StringComparison.Ordinal); // an untrusted certificate is not retried
        Assert.Contains("http:" + _server.BaseUrl, output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
    }
}
