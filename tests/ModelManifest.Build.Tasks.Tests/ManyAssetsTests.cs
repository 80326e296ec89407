using Microsoft.Build.Utilities;

namespace ModelManifest.Build.Tasks.Tests;

/// <summary>
/// Several assets resolved at once from a folder source: every one is placed with its own start and finish line, the
/// results keep the manifest's order, one total line closes the run, and failures stay per asset with their locations.
/// </summary>
public sealed class ManyAssetsTests : IDisposable
{
    private readonly TaskWorkspace _workspace = new();
    private readonly SampleAsset[] _assets = [.. Enumerable.Range(0, 12).Select(i => new SampleAsset($"part{i:00}", $"part{i:00}.bin", 32 * 1024 + i, seed: 100 + i))];
    private readonly string _mirror;
    private readonly string _manifest;

    public ManyAssetsTests()
    {
        _mirror = Path.Combine(_workspace.Root, "many-mirror");
        foreach (SampleAsset asset in _assets)
        {
            asset.WriteTo(_mirror);
        }

        _manifest = _workspace.WriteManifest("many.models.json", SampleAsset.Manifest(_assets));
    }

    public void Dispose() => _workspace.Dispose();

    private ResolveModelAssets Task(string maxConcurrentAssets)
    {
        ResolveModelAssets task = _workspace.Task();
        task.Manifests = [new TaskItem(_manifest)];
        task.Sources = [TaskWorkspace.Item(_mirror)];
        task.MaxConcurrentAssets = maxConcurrentAssets;
        return task;
    }

    [Theory]
    [InlineData("4")]
    [InlineData("1")]
    public void Every_asset_is_bundled_in_manifest_order_with_its_own_lines_and_one_total(string maxConcurrentAssets)
    {
        ResolveModelAssets task = Task(maxConcurrentAssets);
        Assert.True(task.Execute(), _workspace.Engine.Diagnostics);

        Assert.Equal(_assets.Select(a => a.Sha256), task.BundledFiles.Select(f => f.GetMetadata("Sha256")));
        foreach (SampleAsset asset in _assets)
        {
            Assert.Equal(asset.Bytes, File.ReadAllBytes(Path.Combine(_workspace.Output, "models", asset.FileName)));
        }

        var lines = _workspace.Engine.HighImportanceMessages.ToList();
        foreach (SampleAsset asset in _assets)
        {
            Assert.Single(lines, l => l.StartsWith($"Model asset {asset.Id} ({asset.FileName}, ", StringComparison.Ordinal) && l.EndsWith("): resolving", StringComparison.Ordinal));
            Assert.Single(lines, l => l.StartsWith($"Model asset {asset.Id} ({asset.FileName}, ", StringComparison.Ordinal) && l.Contains("): from directory:", StringComparison.Ordinal));
        }

        Assert.Matches($@"^Model assets: 12 resolved, 0\.\d\d MB downloaded in \d+\.\d s, \d+\.\d MB/s, up to {maxConcurrentAssets} at once\.$", lines[^1]);
    }

    [Fact]
    public void Assets_missing_from_the_source_fail_each_at_its_location_and_the_others_are_still_fetched()
    {
        File.Delete(Path.Combine(_mirror, _assets[3].FileName));
        File.Delete(Path.Combine(_mirror, _assets[9].FileName));

        ResolveModelAssets task = Task("4");
        Assert.False(task.Execute());

        var errors = _workspace.Engine.Errors;
        Assert.Equal(2, errors.Count);
        foreach (SampleAsset missing in new[] { _assets[3], _assets[9] })
        {
            var error = Assert.Single(errors, e => e.Message!.StartsWith($"Model asset {missing.Id} ({missing.FileName}): ", StringComparison.Ordinal));
            Assert.Equal("MM1001", error.Code);
            Assert.Equal(_manifest, error.File);
            Assert.True(error.LineNumber > 0);
        }

        Assert.Contains(_workspace.Engine.HighImportanceMessages, l => l.StartsWith("Model assets: 12 resolved (some failed), ", StringComparison.Ordinal));
        var cache = new Assets.AssetCache(Path.Combine(_workspace.Root, "cache"));
        Assert.All(_assets.Where((_, i) => i is not 3 and not 9), a => Assert.True(cache.TryGet(a.Sha256, a.Bytes.Length, out _), a.Id));
    }
}
