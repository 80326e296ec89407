using System.Text;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;

namespace ModelManifest.Sources.Azure.Tests;

/// <summary>
/// <c>push --to azblob://…</c>'s target against a real Azurite: assets land at <c>sha256/&lt;hex&gt;</c> with their digest
/// as metadata and the manifest beside them, the source reads them back, a second push uploads nothing, and a large
/// file is committed as one block list.
/// </summary>
public sealed class AzureBlobPushTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>, IDisposable
{
    private const string Manifest = """{ "schemaVersion": "1.1", "models": [] }""";

    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private ModelPush Push(params (string FileName, byte[] Content)[] files) => new()
    {
        ModelId = "weather",
        Version = "1.2.0",
        ManifestJson = Manifest,
        Assets = [.. files.Select(f => new ModelPushAsset(Assets.For(f.Content, id: Path.GetFileNameWithoutExtension(f.FileName), fileName: f.FileName), _dir.Write(f.FileName, f.Content)))],
    };

    [Fact]
    public async Task Push_then_fetch_back_and_a_second_push_uploads_nothing()
    {
        var weights = TestContent.Bytes(200_000, 21);
        var config = TestContent.Bytes(3_000, 22);
        var push = Push(("weights.bin", weights), ("config.bin", config));
        var target = AssetSourceFactory.CreatePushTarget(AzuriteFixture.Location("team"), azurite.Settings());

        var first = await target.PushAsync(push, null, CancellationToken.None);

        Assert.Equal((2, 0), (first.Uploaded, first.Skipped));
        Assert.Equal(AzuriteFixture.Location("team") + "/manifests/weather/1.2.0.models.json", first.Reference);
        var blobs = await azurite.ListAsync("team/");
        Assert.Equal(
            [$"team/manifests/weather/1.2.0.models.json", $"team/sha256/{TestContent.Sha256(config)}", $"team/sha256/{TestContent.Sha256(weights)}"],
            blobs.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(TestContent.Sha256(weights), blobs[$"team/sha256/{TestContent.Sha256(weights)}"].Metadata["sha256"]);
        var manifest = await azurite.Container.GetBlobClient("team/manifests/weather/1.2.0.models.json").DownloadContentAsync();
        Assert.Equal(Manifest, Encoding.UTF8.GetString(manifest.Value.Content.ToArray()));

        var fetched = await new AssetManager(new AssetCache(_dir.Sub("cache")))
            .AddSource(AssetSourceFactory.Create(AzuriteFixture.Location("team"), azurite.Settings()))
            .GetAsync(push.Assets[0].Asset);
        Assert.Equal(weights, File.ReadAllBytes(fetched.CachePath));

        var second = await target.PushAsync(push, null, CancellationToken.None);

        Assert.Equal((0, 2), (second.Uploaded, second.Skipped));
        var after = await azurite.ListAsync("team/");
        Assert.All(blobs, b => Assert.Equal(b.Value.Properties.ETag, after[b.Key].Properties.ETag));
    }

    [Fact]
    public async Task A_blob_with_the_name_but_other_bytes_is_replaced()
    {
        var content = TestContent.Bytes(10_000, 23);
        var push = Push(("replaced.bin", content));
        await azurite.PutAsync($"stale/sha256/{push.Assets[0].Asset.Sha256}", TestContent.Bytes(10_000, 24));
        var target = AssetSourceFactory.CreatePushTarget(AzuriteFixture.Location("stale"), azurite.Settings());

        var result = await target.PushAsync(push, null, CancellationToken.None);

        Assert.Equal(1, result.Uploaded);
        var held = await azurite.Container.GetBlobClient($"stale/sha256/{push.Assets[0].Asset.Sha256}").DownloadContentAsync();
        Assert.Equal(content, held.Value.Content.ToArray());
    }

    [Fact]
    public async Task Large_file_is_staged_in_blocks_and_committed_once_with_progress()
    {
        var content = TestContent.Bytes(20 << 20, 25);
        var push = Push(("large.bin", content));
        var target = AssetSourceFactory.CreatePushTarget(AzuriteFixture.Location("blocks"), azurite.Settings(("Layout", "IdTagFileName")));
        var reports = new List<long>();

        var result = await target.PushAsync(push, new Recorder(reports), CancellationToken.None);

        Assert.Equal(1, result.Uploaded);
        var blocks = await azurite.Container.GetBlockBlobClient("blocks/large/large.bin").GetBlockListAsync(BlockListTypes.All);
        Assert.True(blocks.Value.CommittedBlocks.Count() > 1, "expected a staged, committed block list");
        Assert.Empty(blocks.Value.UncommittedBlocks);
        Assert.Equal(content.Length, reports.Max());
    }

    [Fact]
    public async Task Push_to_a_missing_container_is_a_clean_location_error()
    {
        var target = AssetSourceFactory.CreatePushTarget($"azblob://{AzuriteServer.AccountName}/absent-container/x", azurite.Settings());

        var error = await Assert.ThrowsAsync<AssetException>(() => target.PushAsync(Push(("a.bin", [1, 2, 3, 4])), null, CancellationToken.None));

        Assert.Equal(AssetDiagnosticIds.InvalidSourceLocation, error.Code);
        Assert.Contains("'absent-container', which does not exist", error.Message, StringComparison.Ordinal);
    }

    private sealed class Recorder(List<long> reports) : IProgress<AssetProgress>
    {
        public void Report(AssetProgress value)
        {
            lock (reports)
            {
                reports.Add(value.BytesDone);
            }
        }
    }
}
