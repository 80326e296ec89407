using ModelManifest.Assets.Tests.Infrastructure;

namespace ModelManifest.Assets.Tests;

public sealed class MaterializeTests : IDisposable
{
    private readonly EngineFixture _engine = new();
    private readonly byte[] _content = TestContent.Bytes(200_000, 50);
    private readonly AssetInfo _asset;
    private readonly string _mirror;

    public MaterializeTests()
    {
        _asset = TestFiles.Asset(_content, "model", "model.onnx");
        _mirror = _engine.Dir.Sub("mirror");
        File.WriteAllBytes(Path.Combine(_mirror, _asset.FileName), _content);
        _engine.Manager.AddSource(new DirectoryAssetSource(_mirror));
    }

    public void Dispose() => _engine.Dispose();

    [Fact]
    public async Task Auto_links_when_the_volume_allows_and_deleting_the_materialized_file_leaves_the_blob_intact()
    {
        var target = _engine.Dir.Sub("bin");

        var placed = await _engine.Manager.MaterializeAsync(_asset, target);

        Assert.Equal(Path.Combine(target, "model.onnx"), placed.Path);
        Assert.Contains(placed.Mode, new[] { LinkMode.Reflink, LinkMode.Hardlink });
        Assert.Equal(_content, File.ReadAllBytes(placed.Path));
        File.Delete(placed.Path);
        Assert.Equal(CacheBlobState.Intact, await _engine.Cache.VerifyAsync(_asset.Sha256));
    }

    [Fact]
    public async Task A_hardlinked_file_is_read_only_and_a_forced_edit_never_gets_served_from_the_cache()
    {
        var target = _engine.Dir.Sub("bin");
        var placed = await _engine.Manager.MaterializeAsync(_asset, target, LinkMode.Hardlink);
        Assert.Equal(LinkMode.Hardlink, placed.Mode);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead, File.GetUnixFileMode(placed.Path));

        // Root ignores the read-only mode, so force an in-place edit through the link: it reaches the shared inode.
        using (var file = new FileStream(placed.Path, FileMode.Open, FileAccess.Write))
        {
            file.WriteByte(0);
        }

        File.SetLastWriteTimeUtc(placed.Path, DateTime.UtcNow.AddSeconds(1));

        Assert.False(_engine.Manager.IsCached(_asset));
        var again = await _engine.Manager.GetAsync(_asset);
        Assert.False(again.FromCache);
        Assert.Equal(_content, File.ReadAllBytes(again.CachePath));
    }

    [Fact]
    public async Task A_copy_is_independent_and_writable()
    {
        var target = _engine.Dir.Sub("bin");

        var placed = await _engine.Manager.MaterializeAsync(_asset, target, LinkMode.Copy);
        await File.WriteAllTextAsync(placed.Path, "edited");

        Assert.Equal(LinkMode.Copy, placed.Mode);
        Assert.True(_engine.Manager.IsCached(_asset));
        Assert.Equal(CacheBlobState.Intact, await _engine.Cache.VerifyAsync(_asset.Sha256));
    }

    [Fact]
    public async Task ReflinkOrCopy_never_shares_the_inode_with_the_cache()
    {
        var target = _engine.Dir.Sub("bin");

        var placed = await _engine.Manager.MaterializeAsync(_asset, target, LinkMode.ReflinkOrCopy);
        using (var file = new FileStream(placed.Path, FileMode.Open, FileAccess.Write))
        {
            file.WriteByte(0);
        }

        Assert.Contains(placed.Mode, new[] { LinkMode.Reflink, LinkMode.Copy });
        Assert.Equal(CacheBlobState.Intact, await _engine.Cache.VerifyAsync(_asset.Sha256));
    }

    [Fact]
    public async Task An_explicit_reflink_on_a_volume_that_cannot_clone_fails_with_MM1009_and_leaves_no_file()
    {
        var target = _engine.Dir.Sub("bin");
        try
        {
            var placed = await _engine.Manager.MaterializeAsync(_asset, target, LinkMode.Reflink);
            Assert.Equal(_content, File.ReadAllBytes(placed.Path));
        }
        catch (AssetException e)
        {
            Assert.Equal(AssetDiagnosticIds.MaterializeFailed, e.Code);
            Assert.Empty(Directory.EnumerateFileSystemEntries(target));
        }
    }

    [Fact]
    public async Task Materializing_again_replaces_the_file_atomically()
    {
        var target = _engine.Dir.Sub("bin");
        File.WriteAllText(Path.Combine(target, "model.onnx"), "stale");

        var placed = await _engine.Manager.MaterializeAsync(_asset, target);

        Assert.Equal(_content, File.ReadAllBytes(placed.Path));
        Assert.Equal(["model.onnx"], Directory.EnumerateFiles(target).Select(Path.GetFileName));
    }
}
