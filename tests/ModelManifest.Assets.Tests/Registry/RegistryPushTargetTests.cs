namespace ModelManifest.Assets.Tests.Registry;

/// <summary>Pushing to a registry: missing blobs only, chunked and resumable for large ones, then the version; idempotent.</summary>
public sealed class RegistryPushTargetTests : RegistryTestBase
{
    [Fact]
    public async Task Push_uploads_only_missing_blobs_then_publishes_and_pushing_again_changes_nothing()
    {
        var held = TestContent.Bytes(3000, 911);
        var fresh = TestContent.Bytes(4000, 912);
        Registry.AddBlob(held);
        Registry.WriteToken = "mmr_write-911";
        var push = Push("classifier", "1.0.0", (LocalAsset("held", held), held), (LocalAsset("fresh", fresh), fresh));
        using var target = (RegistryPushTarget)AssetSourceFactory.CreatePushTarget(Location, WithToken("mmr_write-911"));

        var first = await target.PushAsync(push, null, CancellationToken.None);
        int requestsAfterFirst = Registry.Requests.Count;
        var second = await target.PushAsync(push, null, CancellationToken.None);

        Assert.Equal((1, 1), (first.Uploaded, first.Skipped));
        Assert.Equal((0, 2), (second.Uploaded, second.Skipped));
        Assert.Equal(new Uri(Registry.BaseUrl, "v1/models/classifier/versions/1.0.0").ToString(), first.Reference);
        Assert.True(Registry.HasVersion("classifier", "1.0.0"));
        Assert.Equal(fresh, Registry.Blobs[TestContent.Sha256(fresh)]);
        var blobPuts = Registry.Requests.Where(r => r.Method == "PUT" && r.Path.StartsWith("/v1/blobs/", StringComparison.Ordinal)).ToList();
        Assert.Equal($"/v1/blobs/sha256/{TestContent.Sha256(fresh)}", Assert.Single(blobPuts).Path);
        Assert.DoesNotContain(Registry.Requests.Skip(requestsAfterFirst), r => r.Method == "PUT" && r.Path.StartsWith("/v1/blobs/", StringComparison.Ordinal));
        Assert.Equal("PUT /v1/models/classifier/versions/1.0.0", Registry.Requests.Last() is var last ? $"{last.Method} {last.Path}" : null);
    }

    [Fact]
    public async Task A_large_blob_goes_in_chunks_and_continues_from_what_the_registry_already_holds()
    {
        var content = TestContent.Bytes(3500, 913);
        string sha = TestContent.Sha256(content);
        Registry.Uploads[sha] = content[..1000]; // an earlier push broke off after the first chunk
        var progress = new List<long>();
        using var target = new RegistryPushTarget(EndpointOf(Registry.BaseUrl), null) { ChunkedUploadThreshold = 1000, ChunkSize = 1000 };

        var result = await target.PushAsync(Push("big", "2.0.0", (LocalAsset("big", content), content)), new InlineProgress(p => progress.Add(p.BytesDone)), CancellationToken.None);

        Assert.Equal(1, result.Uploaded);
        Assert.Equal(content, Registry.Blobs[sha]);
        Assert.Equal(["bytes 1000-1999/3500", "bytes 2000-2999/3500", "bytes 3000-3499/3500"],
            Registry.Requests.Where(r => r.Method == "PATCH").Select(r => r.ContentRange));
        Assert.Equal(3500, progress[^1]);
    }

    [Fact]
    public async Task By_default_a_large_blob_goes_in_one_resumable_request_for_the_rest()
    {
        var content = TestContent.Bytes((33 << 20) + 5, 919); // more than any sensible fixed chunk
        string sha = TestContent.Sha256(content);
        Registry.Uploads[sha] = content[..1200];
        using var target = new RegistryPushTarget(EndpointOf(Registry.BaseUrl), null) { ChunkedUploadThreshold = 1000 };

        await target.PushAsync(Push("rest", "1.0.0", (LocalAsset("rest", content), content)), null, CancellationToken.None);

        Assert.Equal(content, Registry.Blobs[sha]);
        Assert.Equal([$"bytes 1200-{content.Length - 1}/{content.Length}"], Registry.Requests.Where(r => r.Method == "PATCH").Select(r => r.ContentRange));
    }

    [Theory]
    [InlineData("1048576", null)]
    [InlineData("1000", "UploadChunkSize '1000'")]
    [InlineData("64M", "UploadChunkSize '64M'")]
    public void The_upload_chunk_size_setting_is_a_whole_number_of_bytes_of_at_least_1_MiB(string value, string? error)
    {
        var settings = new Dictionary<string, string> { ["UploadChunkSize"] = value };
        if (error is null)
        {
            using var target = (RegistryPushTarget)AssetSourceFactory.CreatePushTarget(Location, settings);
            Assert.Equal(1048576, target.ChunkSize);
            return;
        }

        var e = Assert.Throws<AssetException>(() => AssetSourceFactory.CreatePushTarget(Location, settings));
        Assert.Equal(AssetDiagnosticIds.InvalidSourceLocation, e.Code);
        Assert.Contains(error, e.Message);
    }

    [Fact]
    public async Task A_failed_chunk_is_sent_again_from_the_registry_offset()
    {
        var content = TestContent.Bytes(2500, 914);
        Registry.FailPatches = 1;
        using var target = new RegistryPushTarget(EndpointOf(Registry.BaseUrl), null)
        {
            ChunkedUploadThreshold = 1000, ChunkSize = 1000, RetryDelay = TimeSpan.FromMilliseconds(1),
        };

        await target.PushAsync(Push("flaky", "1.0.0", (LocalAsset("flaky", content), content)), null, CancellationToken.None);

        Assert.Equal(content, Registry.Blobs[TestContent.Sha256(content)]);
        Assert.Equal(["bytes 0-999/2500", "bytes 0-999/2500", "bytes 1000-1999/2500", "bytes 2000-2499/2500"],
            Registry.Requests.Where(r => r.Method == "PATCH").Select(r => r.ContentRange));
    }

    [Fact]
    public async Task Publishing_a_version_again_with_other_bytes_is_the_registry_MM3001_conflict()
    {
        var original = TestContent.Bytes(1000, 915);
        var other = TestContent.Bytes(1000, 916);
        using var target = (RegistryPushTarget)AssetSourceFactory.CreatePushTarget(Location);
        await target.PushAsync(Push("fixed", "1.0.0", (LocalAsset("w1", original), original)), null, CancellationToken.None);

        var error = await Assert.ThrowsAsync<AssetException>(() =>
            target.PushAsync(Push("fixed", "1.0.0", (LocalAsset("w2", other), other)), null, CancellationToken.None));

        Assert.Equal("MM3001", error.Code);
        Assert.Contains("fixed@1.0.0", error.Reason);
    }

    [Fact]
    public async Task A_token_without_the_write_scope_is_MM3010_and_never_appears_in_the_error()
    {
        var content = TestContent.Bytes(1000, 917);
        Registry.WriteToken = "mmr_write-917";
        Registry.ReadToken = "mmr_read-secret-917";
        using var target = (RegistryPushTarget)AssetSourceFactory.CreatePushTarget(Location, WithToken("mmr_read-secret-917"));

        var error = await Assert.ThrowsAsync<AssetException>(() =>
            target.PushAsync(Push("scoped", "1.0.0", (LocalAsset("w", content), content)), null, CancellationToken.None));

        Assert.Equal("MM3010", error.Code);
        Assert.DoesNotContain("read-secret", error.ToString());
        Assert.Empty(Registry.Blobs);
    }

    [Fact]
    public async Task An_unreachable_registry_is_a_clean_transport_error_naming_it()
    {
        var content = TestContent.Bytes(100, 918);
        var endpoint = EndpointOf(new Uri("http://127.0.0.1:9/"));
        using var target = new RegistryPushTarget(endpoint, null) { RetryDelay = TimeSpan.FromMilliseconds(1) };

        var error = await Assert.ThrowsAsync<AssetException>(() =>
            target.PushAsync(Push("gone", "1.0.0", (LocalAsset("w", content), content)), null, CancellationToken.None));

        Assert.Equal(AssetDiagnosticIds.TransportError, error.Code);
        Assert.Contains("cannot reach the registry at http://127.0.0.1:9/", error.Reason);
    }

    private static RegistryEndpoint EndpointOf(Uri url) =>
        RegistryEndpoint.TryParse(url.ToString(), out var endpoint, out _) ? endpoint! : throw new ArgumentException(url.ToString());

    /// <summary>Reports on the caller's thread, in order.</summary>
    private sealed class InlineProgress(Action<AssetProgress> report) : IProgress<AssetProgress>
    {
        public void Report(AssetProgress value)
        {
            lock (this)
            {
                report(value);
            }
        }
    }
}
