using System.Globalization;
using ModelManifest.Assets.Tests.Infrastructure;

namespace ModelManifest.Assets.Tests;

/// <summary>Large assets from sources that serve ranges: parts over several connections into one file, hashed as they arrive.</summary>
public sealed class SplitDownloadTests : LoopbackTestBase
{
    private const int Part = 1 << 20;

    public SplitDownloadTests() =>
        Engine.Options.Transfer = new TransferOptions { MinimumSplitSize = 4 * Part, PartSize = Part, MaxConnectionsPerAsset = 8 };

    [Fact]
    public async Task A_server_that_serves_ranges_gets_one_closed_range_request_per_part_and_sends_each_byte_once()
    {
        var (content, asset, _) = ServeOverHttp(8 * Part + 12345, 301);

        var result = await Engine.Manager.GetAsync(asset);
        await Server.WaitIdleAsync();

        Assert.Equal(content, File.ReadAllBytes(result.CachePath));
        var ranges = Server.Requests.Select(r => r.Range).Order(StringComparer.Ordinal).ToArray();
        var expected = Enumerable.Range(0, 9).Select(p => $"bytes={(long)p * Part}-{Math.Min((long)(p + 1) * Part, content.Length) - 1}").Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(expected, ranges);
        Assert.Equal(content.Length, Server.BytesSent);
        Assert.Contains(Engine.Log, m => m.Contains("connections", StringComparison.Ordinal));
        AssertOnlyTheBlob(asset);
    }

    [Fact]
    public async Task A_server_that_answers_200_to_a_range_request_is_read_as_one_stream_without_asking_again()
    {
        var (content, asset, served) = ServeOverHttp(6 * Part, 302);
        served.SupportsRange = false;

        var result = await Engine.Manager.GetAsync(asset);
        await Server.WaitIdleAsync();

        Assert.Equal(content, File.ReadAllBytes(result.CachePath));
        var only = Assert.Single(Server.Requests);
        Assert.Equal($"bytes=0-{Part - 1}", only.Range); // asked for the first part, took the whole file from that answer
        Assert.Equal(content.Length, Server.BytesSent);
        AssertOnlyTheBlob(asset);
    }

    [Fact]
    public async Task Part_connections_dropped_mid_body_resume_inside_their_part_and_the_download_completes()
    {
        var (content, asset, served) = ServeOverHttp(8 * Part, 303);
        served.DropAfterBytes = Part / 3;
        served.DropCount = 3;

        var result = await Engine.Manager.GetAsync(asset);
        await Server.WaitIdleAsync();

        Assert.Equal(content, File.ReadAllBytes(result.CachePath));
        var starts = Server.Requests.Select(r => long.Parse(r.Range["bytes=".Length..r.Range.IndexOf('-', StringComparison.Ordinal)], CultureInfo.InvariantCulture)).ToArray();
        Assert.Contains(starts, s => s % Part != 0); // a part resumed where its connection dropped, not from its start
        Assert.True(Server.BytesSent < content.Length + 3L * Part, $"sent {Server.BytesSent} bytes for {content.Length}");
        AssertOnlyTheBlob(asset);
    }

    [Fact]
    public async Task One_wrong_byte_inside_one_part_rejects_the_whole_download_caches_nothing_and_the_next_source_serves()
    {
        var (content, asset, served) = ServeOverHttp(8 * Part, 304);
        served.WrongByteAt = (5L * Part) + 4321;
        AddFallbackMirror(asset, content);

        var result = await Engine.Manager.GetAsync(asset);

        Assert.Equal("mirror", result.SourceName);
        var refused = Assert.Single(result.Attempts);
        Assert.Equal(AssetDiagnosticIds.HashMismatch, refused.Code);
        Assert.Equal(content, File.ReadAllBytes(result.CachePath));
        AssertOnlyTheBlob(asset); // no partial, no parts record, no temporary file of the rejected download
    }

    [Fact]
    public async Task A_server_that_caps_each_connection_is_read_over_more_connections_than_the_two_it_starts_with()
    {
        var (content, asset, served) = ServeOverHttp(24 * Part, 305);
        served.BytesPerSecondPerConnection = 2 * Part;
        Engine.Options.Transfer.InitialConnections = 2;

        var result = await Engine.Manager.GetAsync(asset);
        await Server.WaitIdleAsync();

        Assert.Equal(content, File.ReadAllBytes(result.CachePath));
        Assert.True(Server.MaxInFlight > 2, $"at most {Server.MaxInFlight} parts were fetched at once");
        Assert.True(Server.MaxInFlight <= 8, $"{Server.MaxInFlight} parts at once, above the maximum of 8");
    }

    [Fact]
    public async Task A_far_server_whose_new_connections_answer_late_still_gets_more_connections()
    {
        // Each request waits longer than a throughput window before its first byte: a window in which the new
        // connections have not delivered yet must not count as "more connections did not help".
        // Two connections, then four; the four must be seen delivering before their gain is judged, and it doubles again.
        var (content, asset, served) = ServeOverHttp(64 * Part, 308);
        served.BytesPerSecondPerConnection = 4 * Part;
        served.AnswerDelay = TimeSpan.FromMilliseconds(600);
        Engine.Options.Transfer.InitialConnections = 2;
        Engine.Options.Transfer.PartSize = 4 * Part; // several buffers per part, as with the default 16 MiB parts

        var result = await Engine.Manager.GetAsync(asset);
        await Server.WaitIdleAsync();

        Assert.Equal(content, File.ReadAllBytes(result.CachePath));
        Assert.True(Server.MaxInFlight > 4, $"at most {Server.MaxInFlight} parts were fetched at once: {string.Join(" | ", Engine.Log.Where(m => m.Contains("connections", StringComparison.Ordinal)))}");
    }

    [Fact]
    public async Task Part_requests_answered_429_with_Retry_After_are_retried_and_the_download_completes()
    {
        var (content, asset, served) = ServeOverHttp(6 * Part, 307);
        served.FailFirst = 3;
        served.FailStatus = 429;
        served.RetryAfter = "0";

        var result = await Engine.Manager.GetAsync(asset);
        await Server.WaitIdleAsync();

        Assert.Equal(content, File.ReadAllBytes(result.CachePath));
        Assert.Equal(6 + 3, Server.RequestCount);
        Assert.Equal(content.Length, Server.BytesSent);
    }

    [Fact]
    public async Task A_folder_source_serves_ranges_for_a_split_copy()
    {
        var content = TestContent.Bytes(6 * Part + 7, 306);
        var asset = TestFiles.Asset(content);
        var mirror = Engine.Dir.Sub("mirror");
        File.WriteAllBytes(Path.Combine(mirror, asset.FileName), content);
        Engine.Manager.AddSource(new DirectoryAssetSource(mirror, name: "mirror"));

        var result = await Engine.Manager.GetAsync(asset);

        Assert.Equal(content, File.ReadAllBytes(result.CachePath));
        Assert.Contains(Engine.Log, m => m.Contains("fetched from mirror over up to", StringComparison.Ordinal));
        AssertOnlyTheBlob(asset);
    }

    private void AssertOnlyTheBlob(AssetInfo asset)
    {
        var sha = asset.Sha256;
        Assert.Equal([$"blobs/sha256/{sha[..2]}/{sha}", $"blobs/sha256/{sha[..2]}/{sha}.stamp"], Engine.CacheFiles());
    }
}
