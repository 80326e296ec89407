using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using ModelManifest.Assets.Tests.Infrastructure;

namespace ModelManifest.Assets.Tests;

/// <summary>
/// GetModelDirectoryAsync: a model made of files that find each other by name gets one folder with the manifest's file
/// names — the cache's snapshot folder (links to the blobs) or the bundle's folder — that a real loader opens.
/// </summary>
public sealed class ModelDirectoryTests : IDisposable
{
    private const string ModelId = "classifier:onnx";
    private readonly EngineFixture _engine = new();

    [Fact]
    public async Task An_onnx_model_with_external_data_runs_in_onnx_runtime_from_its_snapshot_folder_and_not_from_its_blob()
    {
        var exported = OnnxExternalDataModel.Export(_engine.Dir.Sub("mirror"));
        _engine.Manager.AddSource(new DirectoryAssetSource(exported.Directory, DirectoryLayout.FileName, "mirror"));
        var provider = await Provider(exported.Manifest(ModelId));
        var model = provider.Current.GetLatest(ModelId)!;

        var folder = await provider.GetModelDirectoryAsync(model);

        Assert.Equal(Path.Combine(_engine.Cache.Root, "snapshots", "classifier~onnx", "1.0.0"), folder);
        Assert.Equal([OnnxExternalDataModel.GraphFileName, OnnxExternalDataModel.DataFileName], Directory.GetFiles(folder).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        AssertRuns(exported, Path.Combine(folder, OnnxExternalDataModel.GraphFileName));

        // The same bytes under the blob's own name: the graph cannot find its weights, which is why the folder exists.
        var graphBlob = await provider.Assets.GetAssetPathAsync(provider.Current.GetAssets(model).Single(a => a.Id == "graph"));
        Assert.StartsWith(Path.Combine(_engine.Cache.Root, "blobs"), graphBlob);
        Assert.ThrowsAny<OnnxRuntimeException>(() => new InferenceSession(graphBlob).Dispose());

        // Links, not copies: each entry is its blob's inode, and the blob stays trusted by the cache's fast check.
        foreach (var asset in provider.Current.GetAssets(model))
        {
            var entry = FileIdentity.Of(Path.Combine(folder, asset.FileName))!.Value;
            Assert.True(_engine.Cache.TryGet(asset.Sha256, asset.Size, out var blob));
            Assert.Equal(FileIdentity.Of(blob)!.Value.Inode, entry.Inode);
        }

        var listed = Assert.Single(_engine.Cache.ListSnapshots());
        Assert.Equal((ModelId, "1.0.0", folder, 0), (listed.ModelId, listed.Version, listed.Path, listed.BrokenLinks));
        Assert.Equal(folder, await provider.GetModelDirectoryAsync(model));
    }

    [Fact]
    public async Task The_bundle_folder_holding_every_file_of_the_model_is_returned_in_place_and_onnx_runtime_runs_from_it()
    {
        var app = _engine.Dir.Sub("app");
        var exported = OnnxExternalDataModel.Export(Path.Combine(app, "models", "classifier"));
        var assets = ManifestReader.Read(exported.Manifest(ModelId)).Document!.Assets;
        new BundleIndex
        {
            Assets = assets.Select(a => new BundleIndexEntry { Id = a.Id, Sha256 = a.Sha256, Size = a.Size, Path = "models/classifier/" + a.FileName }).ToList(),
        }.Save(Path.Combine(app, BundleIndex.FileName));
        var provider = await Provider(exported.Manifest(ModelId), new BundledAssetSource(app));

        var folder = await provider.GetModelDirectoryAsync(provider.Current.GetLatest(ModelId)!);

        Assert.Equal(exported.Directory, folder);
        AssertRuns(exported, Path.Combine(folder, OnnxExternalDataModel.GraphFileName));
        Assert.Empty(_engine.Cache.List()); // nothing was copied into the cache
    }

    [Fact]
    public async Task A_snapshot_entry_whose_blob_was_removed_or_that_points_nowhere_is_linked_again_on_the_next_call()
    {
        var (provider, model, mirror) = await TwoFileModel();
        var folder = await provider.GetModelDirectoryAsync(model);
        var assets = provider.Current.GetAssets(model);
        var weights = assets.Single(a => a.Id == "weights");

        // Removing a blob removes the snapshot entry that is it (so its bytes are freed); the next call brings both back.
        Assert.True(_engine.Cache.Remove(weights.Sha256));
        Assert.False(File.Exists(Path.Combine(folder, "weights.bin")));
        Assert.Equal(folder, await provider.GetModelDirectoryAsync(model));
        Assert.Equal(File.ReadAllBytes(Path.Combine(mirror, "weights.bin")), File.ReadAllBytes(Path.Combine(folder, "weights.bin")));

        // A symbolic link whose target is gone (a snapshot linked where hardlinks were impossible, then pruned) is repaired.
        File.Delete(Path.Combine(folder, "config.json"));
        File.CreateSymbolicLink(Path.Combine(folder, "config.json"), Path.Combine(_engine.Dir.Path, "gone", "config.json"));
        Assert.Equal(1, Assert.Single(_engine.Cache.ListSnapshots()).BrokenLinks);
        await provider.GetModelDirectoryAsync(model);
        Assert.Equal(File.ReadAllBytes(Path.Combine(mirror, "config.json")), File.ReadAllBytes(Path.Combine(folder, "config.json")));
        Assert.Equal(0, Assert.Single(_engine.Cache.ListSnapshots()).BrokenLinks);

        // A file that is not the blob (written in place of the link) is replaced; a stray file is removed.
        File.Delete(Path.Combine(folder, "weights.bin"));
        File.WriteAllBytes(Path.Combine(folder, "weights.bin"), new byte[weights.Size]);
        File.WriteAllText(Path.Combine(folder, "stray.txt"), "not part of the model");
        await provider.GetModelDirectoryAsync(model);
        Assert.Equal(File.ReadAllBytes(Path.Combine(mirror, "weights.bin")), File.ReadAllBytes(Path.Combine(folder, "weights.bin")));
        Assert.Equal(["config.json", "weights.bin"], Directory.GetFiles(folder).Select(Path.GetFileName).Order(StringComparer.Ordinal));

        // Pruning everything leaves no bytes behind in the snapshot folder either.
        var pruned = _engine.Cache.Prune(maxTotalBytes: 0);
        Assert.Equal(2, pruned.RemovedCount);
        Assert.Empty(Directory.GetFileSystemEntries(folder));
    }

    [Fact]
    public async Task Many_concurrent_callers_with_their_own_cache_objects_never_see_a_half_filled_folder()
    {
        var (_, model, mirror) = await TwoFileModel();
        var folder = Path.Combine(_engine.Cache.Root, "snapshots", "classifier~onnx", "1.0.0");
        using var done = new CancellationTokenSource();
        int seenIncomplete = 0, seenComplete = 0;
        var incomplete = new System.Collections.Concurrent.ConcurrentBag<string>();
        var watcher = Task.Run(() =>
        {
            // Looks until the callers are done, then once more: under load this thread may only get scheduled before the
            // folder exists and after the callers finished, and that last look must still see the folder.
            for (var last = false; !last;)
            {
                last = done.IsCancellationRequested;
                if (Directory.Exists(folder))
                {
                    var names = Directory.GetFileSystemEntries(folder).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
                    if (names.SequenceEqual(["config.json", "weights.bin"]))
                    {
                        Interlocked.Increment(ref seenComplete);
                    }
                    else
                    {
                        Interlocked.Increment(ref seenIncomplete);
                        incomplete.Add(string.Join(", ", names));
                    }
                }
            }
        });

        // Separate AssetCache/AssetManager objects over one root stand for separate processes: nothing in memory is shared.
        var callers = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            var manager = new AssetManager(new AssetCache(_engine.Cache.Root)).AddSource(new DirectoryAssetSource(mirror, DirectoryLayout.FileName));
            var provider = new ModelProvider(manager, [new DocumentManifestSource(ManifestReader.Read(TwoFileManifest(mirror)).Document!, "catalog")]);
            await provider.RefreshAsync();
            return await provider.GetModelDirectoryAsync(model);
        })).ToList();
        var folders = await Task.WhenAll(callers);
        await done.CancelAsync();
        await watcher;

        Assert.All(folders, f => Assert.Equal(folder, f));
        Assert.True(seenIncomplete == 0, $"The folder was seen {seenIncomplete} times with other entries, e.g. [{incomplete.FirstOrDefault()}].");
        Assert.True(seenComplete > 0);
        Assert.Empty(Directory.GetFileSystemEntries(Path.GetDirectoryName(folder)!, ".*")); // no temporary folder left behind
    }

    [Fact]
    public async Task A_late_download_of_a_blob_another_process_published_keeps_the_published_inode_so_snapshot_links_stay_valid()
    {
        var (provider, model, _) = await TwoFileModel();
        var folder = await provider.GetModelDirectoryAsync(model);
        var weights = provider.Current.GetAssets(model).Single(a => a.Id == "weights");
        var blob = _engine.Cache.GetBlobPath(weights.Sha256);
        var published = FileIdentity.Of(blob)!.Value.Inode;

        // A second process that downloaded the same bytes without the lock (a stalled holder) commits after the first.
        var late = _engine.Cache.Protocol.Open(weights.Sha256, resume: false);
        var path = late.Path;
        await late.Stream.WriteAsync(TestContent.Bytes(50_000, 7));
        Assert.Equal(blob, _engine.Cache.Protocol.Commit(late, weights.Sha256));

        Assert.Equal(published, FileIdentity.Of(blob)!.Value.Inode);
        Assert.False(File.Exists(path));
        Assert.Equal(published, FileIdentity.Of(Path.Combine(folder, "weights.bin"))!.Value.Inode);
        Assert.True(_engine.Cache.TryGet(weights.Sha256, weights.Size, out _));

        // A blob whose stamp no longer matches (changed, or planted) is replaced by the verified bytes, as before.
        File.Delete(blob);
        File.WriteAllBytes(blob, new byte[weights.Size]);
        var replacement = _engine.Cache.Protocol.Open(weights.Sha256, resume: false);
        await replacement.Stream.WriteAsync(TestContent.Bytes(50_000, 7));
        _engine.Cache.Protocol.Commit(replacement, weights.Sha256);
        Assert.Equal(TestContent.Bytes(50_000, 7), File.ReadAllBytes(blob));
        Assert.True(_engine.Cache.TryGet(weights.Sha256, weights.Size, out _));
    }

    [Fact]
    public async Task Prune_removes_a_half_built_folder_of_a_dead_process_and_keeps_one_of_a_live_process()
    {
        var (provider, model, _) = await TwoFileModel();
        var folder = await provider.GetModelDirectoryAsync(model);
        var parent = Path.GetDirectoryName(folder)!;
        var dead = Directory.CreateDirectory(Path.Combine(parent, ".1.0.0." + int.MaxValue + "-0badf00d.tmp")).FullName;
        File.WriteAllText(Path.Combine(dead, "config.json"), "half");
        var live = Directory.CreateDirectory(Path.Combine(parent, ".1.0.0." + Environment.ProcessId + "-0c0ffee0.tmp")).FullName;

        // An entry being replaced is built beside the folder; a dead process's leftover goes, a live one's stays.
        var deadEntry = Path.Combine(parent, ".weights.bin." + int.MaxValue + "-0badf00d.mmtmp");
        var liveEntry = Path.Combine(parent, ".weights.bin." + Environment.ProcessId + "-0c0ffee0.mmtmp");
        File.WriteAllText(deadEntry, "half");
        File.WriteAllText(liveEntry, "half");

        _engine.Cache.Prune(unusedSince: DateTimeOffset.UtcNow.AddDays(-1));

        Assert.False(Directory.Exists(dead));
        Assert.True(Directory.Exists(live));
        Assert.False(File.Exists(deadEntry));
        Assert.True(File.Exists(liveEntry));
        Assert.Equal(folder, Assert.Single(_engine.Cache.ListSnapshots()).Path); // temporary folders are never listed
    }

    [Fact]
    public async Task Two_different_files_of_one_model_with_the_same_name_are_a_clean_MM1009()
    {
        var a = TestContent.Bytes(100, 1);
        var b = TestContent.Bytes(100, 2);
        var provider = await Provider($$"""
            {
              "schemaVersion": "1.1",
              "models": [ { "id": "{{ModelId}}", "version": "1.0.0", "assets": [ { "id": "a" }, { "id": "b" } ] } ],
              "assets": [
                { "id": "a", "fileName": "model.bin", "size": 100, "sha256": "{{TestContent.Sha256(a)}}" },
                { "id": "b", "fileName": "model.bin", "size": 100, "sha256": "{{TestContent.Sha256(b)}}" }
              ]
            }
            """);

        var e = await Assert.ThrowsAsync<AssetException>(() => provider.GetModelDirectoryAsync(provider.Current.GetLatest(ModelId)!));

        Assert.Equal(AssetDiagnosticIds.MaterializeFailed, e.Code);
        Assert.Contains("'model.bin'", e.Message);
    }

    public void Dispose() => _engine.Dispose();

    private async Task<(ModelProvider Provider, ModelInfo Model, string Mirror)> TwoFileModel()
    {
        var mirror = _engine.Dir.Sub("mirror");
        File.WriteAllBytes(Path.Combine(mirror, "weights.bin"), TestContent.Bytes(50_000, 7));
        File.WriteAllText(Path.Combine(mirror, "config.json"), """{ "hidden": 64 }""");
        _engine.Manager.AddSource(new DirectoryAssetSource(mirror, DirectoryLayout.FileName, "mirror"));
        var provider = await Provider(TwoFileManifest(mirror));
        return (provider, provider.Current.GetLatest(ModelId)!, mirror);
    }

    private static string TwoFileManifest(string mirror)
    {
        static string Asset(string id, string path) =>
            $$"""{ "id": "{{id}}", "fileName": "{{Path.GetFileName(path)}}", "size": {{new FileInfo(path).Length}}, "sha256": "{{TestContent.Sha256(File.ReadAllBytes(path))}}" }""";
        return $$"""
            {
              "schemaVersion": "1.1",
              "models": [ { "id": "{{ModelId}}", "version": "1.0.0", "assets": [ { "id": "weights" }, { "id": "config" } ] } ],
              "assets": [ {{Asset("weights", Path.Combine(mirror, "weights.bin"))}}, {{Asset("config", Path.Combine(mirror, "config.json"))}} ]
            }
            """;
    }

    private async Task<ModelProvider> Provider(string manifest, BundledAssetSource? bundle = null)
    {
        var provider = new ModelProvider(_engine.Manager, [new DocumentManifestSource(ManifestReader.Read(manifest).Document!, "catalog")], bundle);
        await provider.RefreshAsync();
        return provider;
    }

    private static void AssertRuns(OnnxExternalDataModel exported, string graphPath)
    {
        using var session = new InferenceSession(graphPath);
        var input = new DenseTensor<float>(exported.Input, OnnxExternalDataModel.InputShape);
        using var results = session.Run([NamedOnnxValue.CreateFromTensor(OnnxExternalDataModel.InputName, input)]);
        var output = results.Single().AsEnumerable<float>().ToArray();
        Assert.Equal(exported.Output.Length, output.Length);
        for (int i = 0; i < output.Length; i++)
        {
            Assert.Equal(exported.Output[i], output[i], 1e-4f);
        }
    }
}
