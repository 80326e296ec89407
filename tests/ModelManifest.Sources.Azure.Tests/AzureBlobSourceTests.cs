namespace ModelManifest.Sources.Azure.Tests;

/// <summary>
/// The azblob source against a real Azurite: blobs put by the Azure SDK (another client) are fetched through the engine
/// in every layout, a missing blob or container is "not here" and the next source serves, a wrong key is one clean
/// attempt that names the source and not the key, and byte ranges are exactly the bytes asked for.
/// </summary>
public sealed class AzureBlobSourceTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>, IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private AssetManager Manager() => new(new AssetCache(_dir.Sub("cache-" + Guid.NewGuid().ToString("N")[..6])), new AssetManagerOptions { RetryDelay = TimeSpan.FromMilliseconds(10) });

    private IAssetSource Source(string prefix, params (string Key, string Value)[] settings) =>
        AssetSourceFactory.Create(AzuriteFixture.Location(prefix), azurite.Settings(settings));

    [Theory]
    [InlineData("flat", "flat/weights.bin", null)]
    [InlineData("nested", "nested/weights/fp16/weights.bin", "fp16")]
    [InlineData("nested-untagged", "nested-untagged/weights/weights.bin", null)]
    [InlineData("addressed", "addressed/sha256/{sha256}", null)]
    public async Task Blob_put_by_another_client_is_fetched_through_the_engine_in_each_layout(string prefix, string blobName, string? tag)
    {
        var content = TestContent.Bytes(300_000, prefix.Length);
        var asset = Assets.For(content, tag: tag);
        await azurite.PutAsync(blobName.Replace("{sha256}", asset.Sha256, StringComparison.Ordinal), content);
        var manager = Manager().AddSource(Source(prefix));

        var result = await manager.GetAsync(asset);

        Assert.Equal(AzuriteFixture.Location(prefix), result.SourceName);
        Assert.Equal(content, File.ReadAllBytes(result.CachePath));
    }

    [Fact]
    public async Task Missing_blob_is_not_here_and_the_next_source_serves()
    {
        var content = TestContent.Bytes(50_000, 7);
        var asset = Assets.For(content, fileName: "only-in-mirror.bin");
        string mirror = _dir.Sub("mirror");
        File.WriteAllBytes(Path.Combine(mirror, asset.FileName), content);
        var manager = Manager().AddSource(Source("empty"), 0).AddSource(new DirectoryAssetSource(mirror, name: "mirror"), 10);

        var result = await manager.GetAsync(asset);

        Assert.Equal("mirror", result.SourceName);
        var skipped = Assert.Single(result.Attempts);
        Assert.Equal((AzuriteFixture.Location("empty"), AssetDiagnosticIds.NotInSource), (skipped.SourceName, skipped.Code));
        Assert.Contains("empty/only-in-mirror.bin", skipped.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Blob_of_another_size_is_not_offered()
    {
        var content = TestContent.Bytes(10_000, 8);
        var asset = Assets.For(content, fileName: "resized.bin");
        await azurite.PutAsync("resized/resized.bin", content[..9_000]);

        var availability = await Source("resized").ProbeAsync(asset, CancellationToken.None);

        Assert.False(availability.IsAvailable);
        Assert.Contains("9000 bytes", availability.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Missing_container_is_not_here_and_says_so()
    {
        var source = AssetSourceFactory.Create($"azblob://{AzuriteServer.AccountName}/no-such-container/x", azurite.Settings());

        var availability = await source.ProbeAsync(Assets.For([1, 2, 3]), CancellationToken.None);

        Assert.False(availability.IsAvailable);
        Assert.Contains("container 'no-such-container' does not exist", availability.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Wrong_key_is_one_clean_attempt_naming_the_source_and_never_the_key()
    {
        var content = TestContent.Bytes(20_000, 9);
        var asset = Assets.For(content, fileName: "guarded.bin");
        await azurite.PutAsync("guarded/guarded.bin", content);
        string wrongKey = Convert.ToBase64String(TestContent.Bytes(64, 10));
        string variable = "MM_TEST_WRONG_" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        Environment.SetEnvironmentVariable(variable, azurite.Server.ConnectionString(wrongKey));
        try
        {
            var source = AssetSourceFactory.Create(AzuriteFixture.Location("guarded"), new Dictionary<string, string> { ["ConnectionStringEnvironmentVariable"] = variable });
            var error = await Assert.ThrowsAsync<AssetException>(() => Manager().AddSource(source).GetAsync(asset));

            Assert.Equal(AssetDiagnosticIds.NotFoundInAnySource, error.Code);
            var attempt = Assert.Single(error.Attempts);
            Assert.Equal((AzuriteFixture.Location("guarded"), AssetDiagnosticIds.InvalidCredential), (attempt.SourceName, attempt.Code));
            Assert.Contains("access denied (HTTP 403", attempt.Message, StringComparison.Ordinal);
            Assert.Contains(variable, attempt.Message, StringComparison.Ordinal);
            string everything = error.Message + string.Join('\n', error.Attempts);
            Assert.DoesNotContain(wrongKey, everything, StringComparison.Ordinal);
            Assert.DoesNotContain(wrongKey[..12], everything, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", everything, StringComparison.Ordinal);
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
    }

    [Fact]
    public async Task Ranged_reads_return_exactly_the_bytes_asked_for()
    {
        var content = TestContent.Bytes(100_000, 11);
        var asset = Assets.For(content, fileName: "ranged.bin");
        await azurite.PutAsync("ranged/ranged.bin", content);
        var source = Assert.IsAssignableFrom<IRangedAssetSource>(Source("ranged"));

        await using (var range = await source.OpenRangeAsync(asset, 1_000, 5_000, CancellationToken.None))
        {
            Assert.Equal((1_000L, (long?)5_000), (range.Offset, range.Length));
            Assert.Equal(content[1_000..6_000], await ReadAllAsync(range.Stream));
        }

        await using (var rest = await source.OpenReadAsync(asset, 70_000, CancellationToken.None))
        {
            Assert.Equal(70_000L, rest.Offset);
            Assert.Equal(content[70_000..], await ReadAllAsync(rest.Stream));
        }
    }

    [Fact]
    public async Task Large_blob_is_fetched_in_parallel_parts_and_verified()
    {
        var content = TestContent.Bytes(6 << 20, 12);
        var asset = Assets.For(content, fileName: "large.bin");
        await azurite.PutAsync("large/large.bin", content);
        var options = new AssetManagerOptions { Transfer = new TransferOptions { MaxConnectionsPerAsset = 4, MinimumSplitSize = 1 << 20, PartSize = 1 << 20 } };
        var manager = new AssetManager(new AssetCache(_dir.Sub("large-cache")), options).AddSource(Source("large"));

        var result = await manager.GetAsync(asset);

        Assert.Equal(asset.Sha256, TestContent.Sha256(File.ReadAllBytes(result.CachePath)));
    }

    private static async Task<byte[]> ReadAllAsync(Stream stream)
    {
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        return copy.ToArray();
    }
}
