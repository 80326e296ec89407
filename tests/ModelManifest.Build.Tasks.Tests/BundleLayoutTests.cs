using Microsoft.Build.Framework;
using TaskItem = Microsoft.Build.Utilities.TaskItem;
using ModelManifest.Assets;

namespace ModelManifest.Build.Tasks.Tests;

/// <summary>
/// The bundle layout rule: a model of several files gets <c>models/&lt;model-id&gt;/</c> (per version when bundled versions
/// differ), a single-file model keeps <c>models/&lt;fileName&gt;</c>, a file shared by several model folders is placed in
/// each — and the runtime hands the model's bundle folder out as its directory.
/// </summary>
public sealed class BundleLayoutTests : IDisposable
{
    private readonly TaskWorkspace _workspace = new();
    private readonly SampleAsset _graph = new("graph", "model.onnx", 4 * 1024, seed: 11);
    private readonly SampleAsset _data = new("data", "model.onnx.data", 40 * 1024, seed: 12);
    private readonly SampleAsset _dataV2 = new("data", "model.onnx.data", 41 * 1024, seed: 13, tag: "v2");
    private readonly SampleAsset _tokenizer = new("tokenizer", "tokenizer.json", 2 * 1024, seed: 14);
    private readonly SampleAsset _other = new("other", "other.bin", 8 * 1024, seed: 15);
    private readonly SampleAsset _single = new("single", "single.bin", 8 * 1024, seed: 16);

    public void Dispose() => _workspace.Dispose();

    [Fact]
    public async Task Each_model_of_several_files_gets_its_own_folder_that_the_runtime_returns_and_a_second_run_is_up_to_date()
    {
        var all = new[] { _graph, _data, _dataV2, _tokenizer, _other, _single };
        foreach (var asset in all)
        {
            // The two model.onnx.data differ in size, so the mirror's <fileName> layout passes over v2 to <id>/<tag>/<fileName>.
            asset.WriteTo(asset.Tag is null ? _workspace.Mirror : Path.Combine(_workspace.Mirror, asset.Id, asset.Tag));
        }

        string manifest = _workspace.WriteManifest("layout.models.json", $$"""
            {
              "schemaVersion": "1.1",
              "models": [
                { "id": "net", "version": "1.0.0", "assets": [{{_graph.Reference("graph")}}, {{_data.Reference("data")}}, {{_tokenizer.Reference("tokenizer")}}] },
                { "id": "net", "version": "1.1.0", "assets": [{{_graph.Reference("graph")}}, {{_dataV2.Reference("data")}}, {{_tokenizer.Reference("tokenizer")}}] },
                { "id": "other:net", "version": "2.0.0", "assets": [{{_other.Reference("weights")}}, {{_tokenizer.Reference("tokenizer")}}] },
                { "id": "single", "version": "1.0.0", "assets": [{{_single.Reference("weights")}}] }
              ],
              "assets": [ {{string.Join(", ", all.Select(a => a.ManifestEntry))}} ]
            }
            """);

        ResolveModelAssets Task()
        {
            var task = _workspace.Task();
            task.Manifests = [new TaskItem(manifest)];
            return task;
        }

        var first = Task();
        Assert.True(first.Execute(), _workspace.Engine.Diagnostics);

        Assert.Equal(
            [
                "models/net/1.0.0/model.onnx", "models/net/1.0.0/model.onnx.data", "models/net/1.0.0/tokenizer.json",
                "models/net/1.1.0/model.onnx", "models/net/1.1.0/model.onnx.data", "models/net/1.1.0/tokenizer.json",
                "models/other~net/other.bin", "models/other~net/tokenizer.json",
                "models/single.bin",
            ],
            first.BundledFiles.Select(f => f.GetMetadata("RelativePath")).Order(StringComparer.Ordinal));
        Assert.Equal(_dataV2.Bytes, File.ReadAllBytes(Path.Combine(_workspace.Output, "models", "net", "1.1.0", "model.onnx.data")));

        // The runtime finds each model's folder in the bundle and uses it in place (there is no other source).
        var manager = new AssetManager(new AssetCache(Path.Combine(_workspace.Root, "runtime-cache")));
        var catalog = ManifestReader.ReadFile(manifest).Document!;
        var models = new ModelProvider(manager, [new DocumentManifestSource(catalog, "catalog")], new BundledAssetSource(_workspace.Output));
        await models.RefreshAsync();
        Assert.Equal(Path.Combine(_workspace.Output, "models", "net", "1.1.0"), await models.GetModelDirectoryAsync(models.Current.Get("net", "1.1.0")!));
        Assert.Equal(Path.Combine(_workspace.Output, "models", "other~net"), await models.GetModelDirectoryAsync(models.Current.GetLatest("other:net")!));
        Assert.Empty(manager.Cache.ListSnapshots());

        // Each placement has its own stamp: a file placed in two folders is up to date in both.
        _workspace.Engine.Messages.Clear();
        var second = Task();
        Assert.True(second.Execute(), _workspace.Engine.Diagnostics);
        Assert.Equal(9, _workspace.Engine.Messages.Count(m => m.Importance == MessageImportance.Low && m.Message!.Contains(": up to date (", StringComparison.Ordinal)));
    }

    [Fact]
    public void Versions_with_the_same_files_share_one_folder_per_model_id()
    {
        foreach (var asset in new[] { _graph, _data })
        {
            asset.WriteTo(_workspace.Mirror);
        }

        string manifest = _workspace.WriteManifest("same.models.json", $$"""
            {
              "schemaVersion": "1.1",
              "models": [
                { "id": "net", "version": "1.0.0", "assets": [{{_graph.Reference("graph")}}, {{_data.Reference("data")}}] },
                { "id": "net", "version": "1.0.1", "assets": [{{_graph.Reference("graph")}}, {{_data.Reference("data")}}] }
              ],
              "assets": [ {{_graph.ManifestEntry}}, {{_data.ManifestEntry}} ]
            }
            """);
        var task = _workspace.Task();
        task.Manifests = [new TaskItem(manifest)];

        Assert.True(task.Execute(), _workspace.Engine.Diagnostics);

        Assert.Equal(["models/net/model.onnx", "models/net/model.onnx.data"], task.BundledFiles.Select(f => f.GetMetadata("RelativePath")).Order(StringComparer.Ordinal));
    }
}
