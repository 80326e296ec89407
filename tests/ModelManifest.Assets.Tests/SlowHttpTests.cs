using System.Net;
using System.Net.Sockets;
using ModelManifest.Assets.Tests.Infrastructure;

namespace ModelManifest.Assets.Tests;

/// <summary>Servers that cost time without failing: each is given up within its bound and the next source serves.</summary>
public sealed class SlowHttpTests : LoopbackTestBase
{
    private static readonly TimeSpan s_failsafe = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task A_server_trickling_bytes_below_the_minimum_rate_is_given_up_and_the_next_source_serves()
    {
        var (content, asset, served) = ServeOverHttp(20_000, 90, o => { o.MinimumBytesPerSecond = 1000; o.ThroughputWindow = TimeSpan.FromSeconds(1); });
        served.TrickleDelay = TimeSpan.FromMilliseconds(50); // never a stall, never a useful rate
        var mirror = MirrorWith(asset, content);

        var result = await Engine.Manager.GetAsync(asset).WaitAsync(s_failsafe);

        Assert.Equal(mirror.Name, result.SourceName);
        Assert.Contains(result.Attempts, a => a.Message.Contains("too slow", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_short_Retry_After_is_honoured_instead_of_the_back_off()
    {
        var (content, asset, served) = ServeOverHttp(10_000, 91, o => o.RetryDelay = TimeSpan.FromMinutes(10));
        served.FailFirst = 1;
        served.RetryAfter = "1";

        var result = await Engine.Manager.GetAsync(asset).WaitAsync(s_failsafe);

        Assert.Equal(content, File.ReadAllBytes(result.CachePath));
        Assert.Equal(2, Server.RequestCount);
    }

    [Fact]
    public async Task A_Retry_After_beyond_the_bound_gives_the_source_up_at_once()
    {
        var (content, asset, served) = ServeOverHttp(10_000, 92);
        served.FailFirst = 1;
        served.RetryAfter = "3600";
        var mirror = MirrorWith(asset, content);

        var result = await Engine.Manager.GetAsync(asset).WaitAsync(s_failsafe);

        Assert.Equal(mirror.Name, result.SourceName);
        Assert.Equal(1, Server.RequestCount);
    }

    [Fact]
    public async Task A_token_with_non_ASCII_characters_is_a_configuration_error_and_sends_nothing()
    {
        var (content, asset, _) = ServeOverHttp(10_000, 93, o => o.Credential = HttpCredential.Bearer(_ => ValueTask.FromResult<string?>("t\u00f6ken")));
        var mirror = MirrorWith(asset, content);

        var result = await Engine.Manager.GetAsync(asset).WaitAsync(s_failsafe);

        Assert.Equal(mirror.Name, result.SourceName);
        Assert.Contains(result.Attempts, a => a.Code == AssetDiagnosticIds.InvalidCredential);
        Assert.Equal(0, Server.RequestCount);
    }

    [Fact]
    public async Task A_server_that_never_answers_is_given_up_at_the_response_deadline_whatever_the_retries()
    {
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var held = new List<TcpClient>();
        _ = Task.Run(async () =>
        {
            while (true)
            {
                held.Add(await silent.AcceptTcpClientAsync()); // accept, then say nothing
            }
        });
        var content = TestContent.Bytes(10_000, 94);
        var asset = TestFiles.Asset(content);
        Engine.Manager.AddSource(Engine.Http(new Uri($"http://127.0.0.1:{((IPEndPoint)silent.LocalEndpoint).Port}/"), configure: o =>
        {
            o.ResponseTimeout = TimeSpan.FromSeconds(1);
            o.ResponseDeadline = TimeSpan.FromSeconds(3);
            o.MaxRetries = 1000;
        }));
        var mirror = MirrorWith(asset, content);

        var result = await Engine.Manager.GetAsync(asset).WaitAsync(s_failsafe);

        Assert.Equal(mirror.Name, result.SourceName);
        held.ForEach(c => c.Dispose());
    }

    private DirectoryAssetSource MirrorWith(AssetInfo asset, byte[] content)
    {
        var folder = Engine.Dir.Sub("mirror");
        File.WriteAllBytes(Path.Combine(folder, asset.FileName), content);
        var mirror = new DirectoryAssetSource(folder);
        Engine.Manager.AddSource(mirror, priority: 100);
        return mirror;
    }
}
