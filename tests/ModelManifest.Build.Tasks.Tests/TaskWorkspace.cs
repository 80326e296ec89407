using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace ModelManifest.Build.Tasks.Tests;

/// <summary>
/// A temp folder with what the task needs to run for real: a manifest (one model, one asset), a folder mirror holding
/// the asset, an empty cache, an output folder and a stamp folder. Nothing here opens a connection.
/// </summary>
public sealed class TaskWorkspace : IDisposable
{
    public TaskWorkspace()
    {
        Root = Directory.CreateTempSubdirectory("mm-task-").FullName;
        Mirror = Path.Combine(Root, "mirror");
        Weights.WriteTo(Mirror);
        Manifest = WriteManifest("demo.models.json", SampleAsset.Manifest(Weights));
    }

    public SampleAsset Weights { get; } = new("weights", "weights.bin", 64 * 1024, seed: 1);

    public string Root { get; }

    public string Mirror { get; }

    public string Manifest { get; }

    public string Output => Path.Combine(Root, "bin");

    public RecordingBuildEngine Engine { get; } = new();

    public string WriteManifest(string fileName, string json)
    {
        string path = Path.Combine(Root, fileName);
        File.WriteAllText(path, json);
        return path;
    }

    public static ITaskItem Item(string include, params (string Name, string Value)[] metadata)
    {
        var item = new TaskItem(include);
        foreach (var (name, value) in metadata)
        {
            item.SetMetadata(name, value);
        }

        return item;
    }

    /// <summary>A task over the manifest with the mirror as its only source, every property at its default.</summary>
    public ResolveModelAssets Task(params ITaskItem[] extraSources) => new()
    {
        BuildEngine = Engine,
        Manifests = [new TaskItem(Manifest)],
        Sources = [Item(Mirror, ("Priority", "0")), .. extraSources],
        CacheRoot = Path.Combine(Root, "cache"),
        OutputDirectory = Output,
        StampDirectory = Path.Combine(Root, "obj"),
    };

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
