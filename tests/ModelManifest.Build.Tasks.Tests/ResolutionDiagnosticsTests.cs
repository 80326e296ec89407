using Microsoft.Build.Framework;

namespace ModelManifest.Build.Tasks.Tests;

/// <summary>What the task reports while resolving: skipped sources, offline, cancellation, and nothing to do.</summary>
public sealed class ResolutionDiagnosticsTests : IDisposable
{
    private readonly TaskWorkspace _workspace = new();

    public void Dispose() => _workspace.Dispose();

    private RecordingBuildEngine Engine => _workspace.Engine;

    [Fact]
    public void A_source_that_fails_before_another_serves_warns_MM1105_at_the_asset()
    {
        // A mirror asked first holds a corrupt copy: the engine rejects it and takes the good mirror's.
        string corrupt = Path.Combine(_workspace.Root, "corrupt");
        Directory.CreateDirectory(corrupt);
        File.WriteAllBytes(Path.Combine(corrupt, _workspace.Weights.FileName), new byte[_workspace.Weights.Bytes.Length]);
        var task = _workspace.Task();
        task.Sources = [TaskWorkspace.Item(corrupt, ("Priority", "0")), TaskWorkspace.Item(_workspace.Mirror, ("Priority", "10"))];

        Assert.True(task.Execute(), Engine.Diagnostics);
        var warning = Assert.Single(Engine.Warnings);
        Assert.Equal("MM1105", warning.Code);
        Assert.Contains("Model asset weights: source skipped: directory:" + corrupt, warning.Message, StringComparison.Ordinal);
        Assert.Equal(_workspace.Manifest, warning.File);
        Assert.True(warning.LineNumber > 0);
    }

    [Fact]
    public void Offline_build_served_by_a_mirror_does_not_warn_about_the_network_source_it_skipped()
    {
        var task = _workspace.Task(TaskWorkspace.Item("http://127.0.0.1:9/", ("Priority", "-1")));
        task.Offline = "true";

        Assert.True(task.Execute(), Engine.Diagnostics);
        Assert.Empty(Engine.Warnings);
        var skipped = Assert.Single(Engine.Messages, m => m.Message!.Contains("not asked (offline)", StringComparison.Ordinal));
        Assert.Equal(MessageImportance.Low, skipped.Importance);
        Assert.True(File.Exists(Path.Combine(_workspace.Output, "models", "weights.bin")));
    }

    [Fact]
    public void Offline_build_missing_an_asset_fails_with_MM1002_at_the_asset()
    {
        var task = _workspace.Task();
        task.Sources = [TaskWorkspace.Item("http://127.0.0.1:9/")];
        task.Offline = "1";

        Assert.False(task.Execute());
        var error = Assert.Single(Engine.Errors);
        Assert.Equal("MM1002", error.Code);
        Assert.Equal(_workspace.Manifest, error.File);
        Assert.Contains("http:http://127.0.0.1:9/", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Canceled_resolution_warns_MM1107_and_fails()
    {
        var task = _workspace.Task();
        task.Cancel();

        Assert.False(task.Execute());
        Assert.Empty(Engine.Errors);
        Assert.Equal("MM1107", Assert.Single(Engine.Warnings).Code);
    }

    [Fact]
    public void ModelBundle_tags_selecting_nothing_bundle_nothing_and_report_nothing()
    {
        var task = _workspace.Task();
        task.Bundle = [TaskWorkspace.Item("weights-model", ("Tags", "no-such-tag"))];

        Assert.True(task.Execute(), Engine.Diagnostics);
        Assert.Empty(Engine.Warnings);
        Assert.Empty(task.BundledFiles);
        Assert.Equal(string.Empty, task.IndexFile);
        // Only the source list, so the app can still fetch what it did not bundle: no bundle folder, no index.
        Assert.Equal(["modelmanifest.sources.json"], Directory.GetFileSystemEntries(_workspace.Output).Select(Path.GetFileName));
    }

    [Fact]
    public void Manifest_whose_models_reference_no_assets_bundles_nothing()
    {
        var task = _workspace.Task();
        task.Manifests = [TaskWorkspace.Item(_workspace.WriteManifest("empty.models.json", """
            { "schemaVersion": "1.1", "models": [ { "id": "bare", "version": "1.0.0", "description": "No files." } ] }
            """))];

        Assert.True(task.Execute(), Engine.Diagnostics);
        Assert.Empty(Engine.Warnings);
        Assert.Empty(task.BundledFiles);
        Assert.Equal(string.Empty, task.IndexFile);
    }

    [Fact]
    public void Each_asset_shows_a_start_and_a_finish_line_at_high_importance()
    {
        var task = _workspace.Task();
        Assert.True(task.Execute(), Engine.Diagnostics);

        var lines = Engine.HighImportanceMessages.ToList();
        Assert.Equal(3, lines.Count);
        Assert.Equal("Model asset weights (weights.bin, 0.06 MB): resolving", lines[0]);
        Assert.Matches(@"^Model asset weights \(weights\.bin, 0\.06 MB\): from directory:.+, \w+ into models/weights\.bin, \d+\.\d s", lines[1]);
        Assert.Matches(@"^Model assets: 1 resolved, 0\.06 MB downloaded in \d+\.\d s, \d+\.\d MB/s, up to 8 at once\.$", lines[2]);
    }
}
