using System.Diagnostics;
using ModelManifest.Testing;

namespace ModelManifest.Build.Tasks.Tests;

/// <summary>
/// The early target's mode (<see cref="ResolveModelAssets.StartInBackground"/>) and the resolve after compilation
/// that takes its fetches over, through MSBuild's registered task objects.
/// </summary>
public sealed class BackgroundResolutionTests : IAsyncLifetime
{
    private readonly TaskWorkspace _workspace = new();
    private LoopbackServer _server = null!;

    private RecordingBuildEngine Engine => _workspace.Engine;

    public async Task InitializeAsync() => _server = await LoopbackServer.StartAsync();

    public async Task DisposeAsync()
    {
        Engine.EndBuild();
        await _server.DisposeAsync();
        _workspace.Dispose();
    }

    private ResolveModelAssets Start()
    {
        var task = _workspace.Task();
        task.Sources = [TaskWorkspace.Item(_server.BaseUrl.ToString())];
        task.StartInBackground = true;
        return task;
    }

    private ResolveModelAssets Resolve()
    {
        var task = _workspace.Task();
        task.Sources = [TaskWorkspace.Item(_server.BaseUrl.ToString())];
        return task;
    }

    [Fact]
    public async Task The_resolve_places_what_the_early_target_fetched_and_names_its_source()
    {
        _server.Add(_workspace.Weights.HttpPath, _workspace.Weights.Bytes);

        Assert.True(Start().Execute(), Engine.Diagnostics);
        Assert.Contains(Engine.Messages, m => m.Message == "Model assets: fetching 1 in the background while the project compiles.");
        Assert.Equal(1, Engine.RegisteredObjectCount);
        await WaitForAsync(() => _server.BytesSentFor(_workspace.Weights.HttpPath) == _workspace.Weights.Bytes.Length);

        Assert.True(Resolve().Execute(), Engine.Diagnostics);
        Assert.Empty(Engine.Errors);
        Assert.Contains(Engine.HighImportanceMessages, m => m.StartsWith("Model asset weights (weights.bin, 0.06 MB): from http:", StringComparison.Ordinal)
            && m.Contains("(started before compilation), ", StringComparison.Ordinal));
        Assert.Equal(_workspace.Weights.Bytes, File.ReadAllBytes(Path.Combine(_workspace.Output, "models", "weights.bin")));
        Assert.Equal(1, _server.RequestCount); // taken over, not fetched again
        Assert.Equal(0, Engine.RegisteredObjectCount); // taken back, and disposed by the resolve
    }

    [Fact]
    public void A_fetch_that_failed_in_the_background_is_reported_by_the_resolve_without_asking_again()
    {
        // The server does not have the asset: the early fetch fails while the "compiler" runs.
        Assert.True(Start().Execute(), Engine.Diagnostics);
        Assert.Empty(Engine.Errors); // the early target never reports

        Assert.False(Resolve().Execute());
        var error = Assert.Single(Engine.Errors);
        Assert.Equal("MM1001", error.Code);
        Assert.Equal(_workspace.Manifest, error.File);
        Assert.Contains(_server.BaseUrl.Authority, error.Message, StringComparison.Ordinal);
        Assert.Equal(1, _server.RequestCount);
    }

    [Fact]
    public void A_bad_setting_is_left_to_the_resolve_which_reports_it_once()
    {
        var start = Start();
        start.LinkMode = "Symlink";
        Assert.True(start.Execute());
        Assert.Empty(Engine.Errors);
        Assert.Equal(0, Engine.RegisteredObjectCount);

        var resolve = Resolve();
        resolve.LinkMode = "Symlink";
        Assert.False(resolve.Execute());
        Assert.Equal("MM1103", Assert.Single(Engine.Errors).Code);
        Assert.Equal(0, _server.RequestCount);
    }

    [Fact]
    public void When_the_build_ends_before_the_resolve_the_download_is_cancelled_and_no_blob_is_published()
    {
        // The answer comes after the build has ended (compilation failed): ending the build must not wait for it.
        _server.Add(_workspace.Weights.HttpPath, new ServedFile(_workspace.Weights.Bytes) { AnswerDelay = TimeSpan.FromSeconds(30) });
        Assert.True(Start().Execute(), Engine.Diagnostics);

        var ended = Stopwatch.StartNew();
        Engine.EndBuild();
        Assert.True(ended.Elapsed < TimeSpan.FromSeconds(15), $"ending the build took {ended.Elapsed}");
        string blob = Path.Combine(_workspace.Root, "cache", "blobs", "sha256", _workspace.Weights.Sha256[..2], _workspace.Weights.Sha256);
        Assert.False(File.Exists(blob));
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        var waited = Stopwatch.StartNew();
        while (!condition() && waited.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(20);
        }
    }
}
