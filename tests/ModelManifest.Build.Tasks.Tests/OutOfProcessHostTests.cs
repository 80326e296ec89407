namespace ModelManifest.Build.Tasks.Tests;

/// <summary>The out-of-process path's two halves: the request the targets write, and the lines Exec reads back.</summary>
public sealed class OutOfProcessHostTests : IDisposable
{
    private readonly TaskWorkspace _workspace = new();

    public void Dispose() => _workspace.Dispose();

    [Fact]
    public void Errors_and_warnings_print_as_canonical_msbuild_lines_with_further_lines_indented()
    {
        var output = new StringWriter();
        var engine = new ConsoleBuildEngine(output);
        engine.LogErrorEvent(new Microsoft.Build.Framework.BuildErrorEventArgs(null, "MM1001", "/m/demo.models.json", 7, 3, 0, 0, "Model asset ghost: gone.\nSources asked:\n  - a", null, null));
        engine.LogWarningEvent(new Microsoft.Build.Framework.BuildWarningEventArgs(null, "MM1110", null, 0, 0, 0, 0, "folder missing", null, null));
        engine.LogMessageEvent(new Microsoft.Build.Framework.BuildMessageEventArgs("quiet", null, null, Microsoft.Build.Framework.MessageImportance.Low));
        engine.LogMessageEvent(new Microsoft.Build.Framework.BuildMessageEventArgs("shown", null, null, Microsoft.Build.Framework.MessageImportance.High));

        string[] lines = output.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(
            ["/m/demo.models.json(7,3): error MM1001: Model asset ghost: gone.", "    Sources asked:", "      - a", "ModelAssetResolve: warning MM1110: folder missing", "shown"],
            lines);
    }

    [Fact]
    public void A_request_file_runs_the_same_task_and_lists_what_it_bundled()
    {
        string list = Path.Combine(_workspace.Root, "bundled.txt");
        string request = Path.Combine(_workspace.Root, "request.txt");
        File.WriteAllLines(request,
        [
            "manifest\t" + _workspace.Manifest,
            "source\t" + _workspace.Mirror + "\tPriority=5\tLayout=\tPathTemplate=",
            "bundle\tweights-model\tVersion=1.0.0\tTags=",
            "property\tCacheRoot\t" + Path.Combine(_workspace.Root, "cache"),
            "property\tOffline\ttrue",
            "property\tOutputDirectory\t" + _workspace.Output,
            "property\tStampDirectory\t" + Path.Combine(_workspace.Root, "obj"),
            "property\tBundleDirectory\tmodels",
            "bundle-list\t" + list,
        ]);

        var parsed = OutOfProcessRequest.Read(request);
        var task = parsed.CreateTask(_workspace.Engine);
        Assert.Equal("5", Assert.Single(task.Sources).GetMetadata("Priority"));
        Assert.Equal(string.Empty, task.Sources[0].GetMetadata("Layout"));
        Assert.True(task.Execute(), _workspace.Engine.Diagnostics);
        parsed.WriteBundleList(task);

        Assert.Equal(
            [Path.Combine(_workspace.Output, "models", "weights.bin"), Path.Combine(_workspace.Output, "modelmanifest.bundle.json"), Path.Combine(_workspace.Output, "modelmanifest.sources.json")],
            File.ReadAllLines(list));
    }
}
