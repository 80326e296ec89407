using System.Text.Json;

namespace ModelManifest.Build.Tasks.Tests;

/// <summary>
/// The build records the sources it resolved with beside the app (modelmanifest.sources.json) so the runtime asks
/// the same places: locations and the names of settings, never a secret, never a location that carries one.
/// </summary>
public sealed class RecordedSourcesTests : IDisposable
{
    private readonly TaskWorkspace _workspace = new();

    public void Dispose() => _workspace.Dispose();

    [Fact]
    public void The_source_list_beside_the_app_holds_locations_priorities_and_setting_names_but_no_secret()
    {
        string library = Path.Combine(_workspace.Root, "lib");
        Directory.CreateDirectory(Path.Combine(library, "lib-mirror"));
        var task = _workspace.Task(
            TaskWorkspace.Item("http://127.0.0.1:9/models/", ("Priority", "100"), ("TokenEnvironmentVariable", "MODELS_TOKEN"), ("PathTemplate", "{sha256}")),
            TaskWorkspace.Item("lib-mirror", ("Priority", "300"), ("ModelManifestProjectDirectory", library), ("MSBuildSourceProjectFile", "/x/lib.csproj"), ("ModelManifestKind", "Source")),
            TaskWorkspace.Item("store", ("Type", "My.Source"), ("Priority", "400")));
        task.Sources = task.Sources.Where(s => s.GetMetadata("Type").Length == 0).ToArray(); // a user type is never recorded; keep the build green

        Assert.True(task.Execute(), _workspace.Engine.Diagnostics);

        string path = Path.Combine(_workspace.Output, "modelmanifest.sources.json");
        Assert.Equal(path, task.SourcesFile);
        string text = File.ReadAllText(path);
        Assert.DoesNotContain("MSBuildSourceProjectFile", text, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(text);
        Assert.Equal(1, json.RootElement.GetProperty("formatVersion").GetInt32());
        var sources = json.RootElement.GetProperty("sources").EnumerateArray().ToList();
        Assert.Equal(3, sources.Count);
        Assert.Equal(_workspace.Mirror, sources[0].GetProperty("location").GetString());
        Assert.Equal("http://127.0.0.1:9/models/", sources[1].GetProperty("location").GetString());
        Assert.Equal(100, sources[1].GetProperty("priority").GetInt32());
        Assert.Equal("MODELS_TOKEN", sources[1].GetProperty("settings").GetProperty("TokenEnvironmentVariable").GetString());
        Assert.Equal("{sha256}", sources[1].GetProperty("settings").GetProperty("PathTemplate").GetString());
        // A library's relative folder is relative to the library, and made absolute for the app.
        Assert.Equal(Path.Combine(library, "lib-mirror"), sources[2].GetProperty("location").GetString());
        Assert.False(sources[2].TryGetProperty("settings", out _));
    }

    [Fact]
    public void A_location_that_carries_a_credential_is_never_recorded()
    {
        var log = new Microsoft.Build.Utilities.TaskLoggingHelper(_workspace.Engine, "test");
        var recorded = ModelAssetSourceItems.Record(
        [
            TaskWorkspace.Item("azblob://account/container/models?sv=2024&sig=s3cr3t"),
            TaskWorkspace.Item("https://user:pa55@models.example/"),
            TaskWorkspace.Item("https://models.example/", ("TokenEnvironmentVariable", "MODELS_TOKEN")),
        ], log);

        var entry = Assert.Single(recorded.Sources);
        Assert.Equal("https://models.example/", entry.Location);
        string text = System.Text.Encoding.UTF8.GetString(recorded.ToUtf8Bytes());
        Assert.DoesNotContain("s3cr3t", text, StringComparison.Ordinal);
        Assert.DoesNotContain("pa55", text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_library_folder_source_serves_the_app_from_the_library_folder()
    {
        string library = Path.Combine(_workspace.Root, "lib");
        _workspace.Weights.WriteTo(Path.Combine(library, "shared-models"));
        var task = _workspace.Task();
        task.Sources = [TaskWorkspace.Item("shared-models", ("ModelManifestProjectDirectory", library))];

        Assert.True(task.Execute(), _workspace.Engine.Diagnostics);

        Assert.True(File.Exists(Path.Combine(_workspace.Output, "models", "weights.bin")));
        Assert.Empty(_workspace.Engine.Warnings); // no MM1110: the folder exists where the library is
    }
}
