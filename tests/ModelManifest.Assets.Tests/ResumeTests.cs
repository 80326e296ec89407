using ModelManifest.Assets.Tests.Infrastructure;

namespace ModelManifest.Assets.Tests;

public sealed class ResumeTests : IAsyncLifetime
{
    private readonly EngineFixture _engine = new();
    private LoopbackServer _server = null!;

    public async Task InitializeAsync() => _server = await LoopbackServer.StartAsync();

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _engine.Dispose();
    }

    [Fact]
    public async Task A_connection_dropped_mid_body_resumes_with_a_range_and_refetches_fewer_bytes_than_the_file()
    {
        var content = TestFiles.Bytes(6 << 20, 20);
        var asset = TestFiles.Asset(content);
        var served = _server.Add(asset.FileName, content);
        served.DropAfterBytes = 4 << 20;
        served.DropCount = 1;
        _engine.Manager.AddSource(_engine.Http(_server.BaseUrl));

        var result = await _engine.Manager.GetAsync(asset);
        await _server.WaitIdleAsync();

        Assert.Equal(asset.Sha256, TestFiles.Sha256(File.ReadAllBytes(result.CachePath)));
        var requests = _server.Requests.ToArray();
        Assert.Equal(2, requests.Length);
        Assert.Equal(string.Empty, requests[0].Range);
        Assert.StartsWith("bytes=", requests[1].Range);
        Assert.NotEqual("bytes=0-", requests[1].Range);
        Assert.True(requests[1].BytesSent < content.Length, $"re-fetched {requests[1].BytesSent} of {content.Length} bytes");
        Assert.Equal(content.Length, _server.BytesSent - requests[0].BytesSent + (content.Length - requests[1].BytesSent));
    }

    [Fact]
    public async Task A_server_that_ignores_range_answers_200_and_the_download_restarts_cleanly()
    {
        var content = TestFiles.Bytes(3 << 20, 21);
        var asset = TestFiles.Asset(content);
        var served = _server.Add(asset.FileName, content);
        served.SupportsRange = false;
        served.DropAfterBytes = 2 << 20;
        served.DropCount = 1;
        _engine.Manager.AddSource(_engine.Http(_server.BaseUrl));

        var result = await _engine.Manager.GetAsync(asset);

        Assert.Equal(content, File.ReadAllBytes(result.CachePath));
        Assert.Equal(2, _server.RequestCount);
    }

    [Fact]
    public async Task A_stalled_body_is_abandoned_and_resumed()
    {
        var content = TestFiles.Bytes(3 << 20, 22);
        var asset = TestFiles.Asset(content);
        var served = _server.Add(asset.FileName, content);
        served.StallAfterBytes = 1 << 20;
        served.StallCount = 1;
        _engine.Manager.AddSource(_engine.Http(_server.BaseUrl, configure: o => o.StallTimeout = TimeSpan.FromMilliseconds(500)));

        var result = await _engine.Manager.GetAsync(asset);

        Assert.Equal(content, File.ReadAllBytes(result.CachePath));
        Assert.StartsWith("bytes=", _server.Requests.Last().Range);
    }

    [Fact]
    public async Task Transient_server_errors_are_retried_with_backoff()
    {
        var content = TestFiles.Bytes(100_000, 23);
        var asset = TestFiles.Asset(content);
        _server.Add(asset.FileName, content).FailFirst = 2;
        _engine.Manager.AddSource(_engine.Http(_server.BaseUrl));

        var result = await _engine.Manager.GetAsync(asset);

        Assert.Equal(content, File.ReadAllBytes(result.CachePath));
        Assert.Equal(3, _server.RequestCount);
    }

    [Fact]
    public async Task Persistent_server_errors_give_up_and_report_a_transport_error()
    {
        var content = TestFiles.Bytes(1000, 24);
        var asset = TestFiles.Asset(content);
        _server.Add(asset.FileName, content).Status = 500;
        _engine.Manager.AddSource(_engine.Http(_server.BaseUrl, configure: o => o.MaxRetries = 2));

        var error = await Assert.ThrowsAsync<AssetException>(() => _engine.Manager.GetAsync(asset));

        Assert.Equal(AssetErrorCodes.TransportError, Assert.Single(error.Attempts).Code);
        Assert.Contains("HTTP 500", error.Message);
        Assert.Equal(3, _server.RequestCount);
    }

    [Fact]
    public async Task Cancelling_the_only_waiter_stops_the_download_and_a_later_request_resumes_the_partial_file()
    {
        var content = TestFiles.Bytes(8 << 20, 25);
        var asset = TestFiles.Asset(content);
        var served = _server.Add(asset.FileName, content);
        served.ChunkDelay = TimeSpan.FromMilliseconds(50);
        _engine.Manager.AddSource(_engine.Http(_server.BaseUrl));
        using var cancel = new CancellationTokenSource();
        var halfway = new SynchronousProgress(p => { if (p.BytesDone >= 2 << 20) { cancel.Cancel(); } });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _engine.Manager.GetAsync(asset, halfway, cancel.Token));
        await WaitUntil(() => File.Exists(_engine.Cache.PartialPath(asset.Sha256)) && !IsLocked(asset));
        served.ChunkDelay = TimeSpan.Zero;
        var result = await _engine.Manager.GetAsync(asset);

        Assert.Equal(content, File.ReadAllBytes(result.CachePath));
        Assert.StartsWith("bytes=", _server.Requests.Last().Range);
        Assert.NotEqual("bytes=0-", _server.Requests.Last().Range);
    }

    private bool IsLocked(AssetInfo asset)
    {
        using var probe = CacheLock.TryAcquire(_engine.Cache.LockPath(asset.Sha256));
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
