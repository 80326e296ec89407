using ModelManifest.Assets.Tests.Infrastructure;

namespace ModelManifest.Assets.Tests;

public sealed class ResumeTests : LoopbackTestBase
{
    [Fact]
    public async Task A_connection_dropped_mid_body_resumes_with_a_range_and_refetches_fewer_bytes_than_the_file()
    {
        var (content, asset, served) = ServeOverHttp(6 << 20, 20);
        served.DropAfterBytes = 4 << 20;
        served.DropCount = 1;

        var result = await Engine.Manager.GetAsync(asset);
        await Server.WaitIdleAsync();

        Assert.Equal(asset.Sha256, TestContent.Sha256(File.ReadAllBytes(result.CachePath)));
        var requests = Server.Requests.ToArray();
        Assert.Equal(2, requests.Length);
        Assert.Equal(string.Empty, requests[0].Range);
        Assert.StartsWith("bytes=", requests[1].Range);
        Assert.NotEqual("bytes=0-", requests[1].Range);
        Assert.True(requests[1].BytesSent < content.Length, $"re-fetched {requests[1].BytesSent} of {content.Length} bytes");
        Assert.Equal(content.Length, Server.BytesSent - requests[0].BytesSent + (content.Length - requests[1].BytesSent));
    }

    [Fact]
    public async Task A_server_that_ignores_range_answers_200_and_the_download_restarts_cleanly()
    {
        var (content, asset, served) = ServeOverHttp(3 << 20, 21);
        served.SupportsRange = false;
        served.DropAfterBytes = 2 << 20;
        served.DropCount = 1;

        var result = await Engine.Manager.GetAsync(asset);

        Assert.Equal(content, File.ReadAllBytes(result.CachePath));
        Assert.Equal(2, Server.RequestCount);
    }

    [Fact]
    public async Task A_206_whose_Content_Range_does_not_match_is_refused_and_the_next_source_serves()
    {
        // A stall (not an abort) after 1.5 MiB: the engine keeps exactly one full 1 MiB buffer and resumes with a range.
        var (content, asset, served) = ServeOverHttp(3 << 20, 26, o => o.StallTimeout = TimeSpan.FromSeconds(2));
        served.StallAfterBytes = 3 << 19;
        served.StallCount = 1;
        served.WrongContentRange = true;
        AddFallbackMirror(asset, content);

        var result = await Engine.Manager.GetAsync(asset);

        Assert.Equal("mirror", result.SourceName);
        var refused = Assert.Single(result.Attempts);
        Assert.Equal(AssetDiagnosticIds.TransportError, refused.Code);
        Assert.Contains("Content-Range", refused.Message);
        Assert.Equal(content, File.ReadAllBytes(result.CachePath));
    }

    [Fact]
    public async Task A_stalled_body_is_abandoned_and_resumed()
    {
        // Not too short: on a loaded machine a healthy read can pause for a while, and each pause costs a resume.
        var (content, asset, served) = ServeOverHttp(3 << 20, 22, o => o.StallTimeout = TimeSpan.FromSeconds(2));
        served.StallAfterBytes = 1 << 20;
        served.StallCount = 1;

        var result = await Engine.Manager.GetAsync(asset);

        Assert.Equal(content, File.ReadAllBytes(result.CachePath));
        Assert.StartsWith("bytes=", Server.Requests.Last().Range);
    }

    [Fact]
    public async Task Transient_server_errors_are_retried_with_backoff()
    {
        var (content, asset, served) = ServeOverHttp(100_000, 23);
        served.FailFirst = 2;

        var result = await Engine.Manager.GetAsync(asset);

        Assert.Equal(content, File.ReadAllBytes(result.CachePath));
        Assert.Equal(3, Server.RequestCount);
    }

    [Fact]
    public async Task Persistent_server_errors_give_up_and_report_a_transport_error()
    {
        var (content, asset, served) = ServeOverHttp(1000, 24, o => o.MaxRetries = 2);
        served.Status = 500;

        var error = await Assert.ThrowsAsync<AssetException>(() => Engine.Manager.GetAsync(asset));

        Assert.Equal(AssetDiagnosticIds.TransportError, Assert.Single(error.Attempts).Code);
        Assert.Contains("HTTP 500", error.Message);
        Assert.Equal(3, Server.RequestCount);
    }

    [Fact]
    public async Task Cancelling_the_only_waiter_stops_the_download_and_a_later_request_resumes_the_partial_file()
    {
        var (content, asset, served) = ServeOverHttp(8 << 20, 25);
        served.ChunkDelay = TimeSpan.FromMilliseconds(50);
        using var cancel = new CancellationTokenSource();
        var halfway = new SynchronousProgress(p => { if (p.BytesDone >= 2 << 20) { cancel.Cancel(); } });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Engine.Manager.GetAsync(asset, halfway, cancel.Token));
        await WaitUntil(() => File.Exists(Engine.Cache.PartialPath(asset.Sha256)) && !IsLocked(asset));
        served.ChunkDelay = TimeSpan.Zero;
        var result = await Engine.Manager.GetAsync(asset);

        Assert.Equal(content, File.ReadAllBytes(result.CachePath));
        Assert.StartsWith("bytes=", Server.Requests.Last().Range);
        Assert.NotEqual("bytes=0-", Server.Requests.Last().Range);
    }

    private bool IsLocked(AssetInfo asset)
    {
        using var probe = CacheLock.TryAcquire(Engine.Cache.LockPath(asset.Sha256), out _);
        return probe is null;
    }

    internal static async Task WaitUntil(Func<bool> condition)
    {
        // A failsafe so a broken engine fails the test instead of hanging it; not a timing assertion.
        for (var waited = 0; !condition(); waited += 20)
        {
            Assert.True(waited < 60_000, "condition not reached");
            await Task.Delay(20);
        }
    }
}
