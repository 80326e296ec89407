namespace ModelManifest.Build.Tasks.Tests;

/// <summary>
/// Every property and every ModelAssetSource/ModelBundle metadata with a bad value: one clean MM11xx that names the
/// item or property and says what to write instead — never an exception, never a silent fallback.
/// </summary>
public sealed class SettingsDiagnosticsTests : IDisposable
{
    private static readonly string s_unset = "MM_TEST_UNSET_" + Guid.NewGuid().ToString("N");
    private readonly TaskWorkspace _workspace = new();

    public void Dispose() => _workspace.Dispose();

    /// <summary>(case, how to spoil the task, expected id, error or warning, text the message must hold).</summary>
    public static TheoryData<string, Action<ResolveModelAssets, TaskWorkspace>, string, bool, string[]> BadSettings => new()
    {
        { "unknown PathTemplate token", (t, w) => AddSource(t, "http://127.0.0.1:9/", ("PathTemplate", "{version}/{fileName}")), "MM1101", true, ["ModelAssetSource 'http://127.0.0.1:9/'", "PathTemplate '{version}/{fileName}'", "{id}/{tag}/{fileName}"] },
        { "PathTemplate escaping the base URL", (t, w) => AddSource(t, "http://127.0.0.1:9/", ("PathTemplate", "../{fileName}")), "MM1101", true, ["PathTemplate '../{fileName}'", "'..'"] },
        { "PathTemplate without a file token", (t, w) => AddSource(t, "http://127.0.0.1:9/", ("PathTemplate", "{id}")), "MM1101", true, ["PathTemplate '{id}'", "{fileName} or {sha256}"] },
        { "htp:// typo", (t, w) => AddSource(t, "htp://127.0.0.1:9/models"), "MM1101", true, ["ModelAssetSource 'htp://127.0.0.1:9/models'", "'htp://' is not a supported scheme", "http:// or https://"] },
        { "ftp URL", (t, w) => AddSource(t, "ftp://127.0.0.1/models"), "MM1101", true, ["'ftp://' is not a supported scheme"] },
        { "azblob location with a SAS query (reaches the azblob provider)", (t, w) => AddSource(t, "azblob://acct/models?sv=1&sig=c2VjcmV0", ("Priority", "100")), "MM1101", true, ["'azblob://acct/models?REDACTED' carries a query", "AZURE_STORAGE_SAS_TOKEN"] },
        { "base URL with a query", (t, w) => AddSource(t, "http://127.0.0.1:9/models?sig=1"), "MM1101", true, ["without a query"] },
        { "non-integer Priority", (t, w) => AddSource(t, w.Mirror, ("Priority", "high")), "MM1101", true, ["mirror': Priority 'high' is not an integer", "whole number"] },
        { "unknown folder Layout", (t, w) => AddSource(t, w.Mirror, ("Layout", "Flat")), "MM1101", true, ["Layout 'Flat'", "FileName, IdTagFileName, Sha256"] },
        { "Layout on a URL", (t, w) => AddSource(t, "http://127.0.0.1:9/", ("Layout", "FileName")), "MM1101", true, ["Layout applies only to a source that is a folder"] },
        { "PathTemplate on a folder", (t, w) => AddSource(t, w.Mirror, ("PathTemplate", "{fileName}")), "MM1101", true, ["PathTemplate applies only to a source that is a http(s) URL"] },
        { "TokenEnvironmentVariable on a folder", (t, w) => AddSource(t, w.Mirror, ("TokenEnvironmentVariable", "TOKEN")), "MM1101", true, ["TokenEnvironmentVariable applies only"] },
        { "BasicAuthEnvironmentVariable on a folder", (t, w) => AddSource(t, w.Mirror, ("BasicAuthEnvironmentVariable", "BASIC")), "MM1101", true, ["BasicAuthEnvironmentVariable applies only"] },
        { "AssemblyFile that does not exist", (t, w) => AddSource(t, "store", ("Type", "My.Source"), ("AssemblyFile", Path.Combine(w.Root, "missing.dll"))), "MM1102", true, ["AssemblyFile", "missing.dll", "does not exist", "My.Source"] },
        { "Type that is not found", (t, w) => AddSource(t, "store", ("Type", "No.Such.Source"), ("Priority", "100")), "MM1102", true, ["ModelAssetSource 'store'", "No.Such.Source"] },
        { "unknown ModelAssetLinkMode", (t, w) => t.LinkMode = "Symlink", "MM1103", true, ["ModelAssetLinkMode 'Symlink'", "Auto, ReflinkOrCopy, Reflink, Hardlink, Copy"] },
        { "numeric ModelAssetLinkMode", (t, w) => t.LinkMode = "7", "MM1103", true, ["ModelAssetLinkMode '7'"] },
        { "unknown ModelAssetVerify", (t, w) => t.Verify = "Quick", "MM1103", true, ["ModelAssetVerify 'Quick'", "Fast, Full"] },
        { "non-boolean ModelAssetsOffline", (t, w) => t.Offline = "maybe", "MM1103", true, ["ModelAssetsOffline 'maybe'", "true or false"] },
        { "non-boolean ModelAssetUseUrlHints", (t, w) => t.UseUrlHints = "sometimes", "MM1103", true, ["ModelAssetUseUrlHints 'sometimes'", "true or false"] },
        { "ModelAssetBundleDirectory outside the output", (t, w) => t.BundleDirectory = "../outside", "MM1103", true, ["ModelAssetBundleDirectory '../outside'", "relative path"] },
        { "rooted ModelAssetBundleDirectory", (t, w) => t.BundleDirectory = Path.Combine(w.Root, "abs"), "MM1103", true, ["ModelAssetBundleDirectory", "relative path"] },
        { "zero ModelAssetMaxConcurrentAssets", (t, w) => t.MaxConcurrentAssets = "0", "MM1103", true, ["ModelAssetMaxConcurrentAssets '0'", "whole number from 1", "default 8"] },
        { "non-numeric ModelAssetMaxConcurrentAssets", (t, w) => t.MaxConcurrentAssets = "many", "MM1103", true, ["ModelAssetMaxConcurrentAssets 'many'", "whole number from 1"] },
        { "negative ModelAssetMaxConnectionsPerAsset", (t, w) => t.MaxConnectionsPerAsset = "-2", "MM1103", true, ["ModelAssetMaxConnectionsPerAsset '-2'", "default 8"] },
        { "ModelAssetMaxConnectionsPerAsset beyond int", (t, w) => t.MaxConnectionsPerAsset = "9999999999", "MM1103", true, ["ModelAssetMaxConnectionsPerAsset '9999999999'", "from 1 to 2147483647"] },
        { "ModelAssetMinSplitSize with a unit", (t, w) => t.MinSplitSize = "64MB", "MM1103", true, ["ModelAssetMinSplitSize '64MB'", "default 67108864"] },
        { "ModelBundle naming no model", (t, w) => t.Bundle = [TaskWorkspace.Item("wieghts-model")], "MM1104", true, ["ModelBundle 'wieghts-model'", "'weights-model' (Version='1.0.0')"] },
        { "ModelBundle naming no version", (t, w) => t.Bundle = [TaskWorkspace.Item("weights-model", ("Version", "9.9.9"))], "MM1104", true, ["Version '9.9.9'", "'weights-model' (Version='1.0.0')"] },
        { "unset TokenEnvironmentVariable", (t, w) => AddSource(t, "http://127.0.0.1:9/", ("Priority", "100"), ("TokenEnvironmentVariable", s_unset)), "MM1109", false, ["TokenEnvironmentVariable", s_unset, "is not set"] },
        { "unset BasicAuthEnvironmentVariable", (t, w) => AddSource(t, "http://127.0.0.1:9/", ("Priority", "100"), ("BasicAuthEnvironmentVariable", s_unset)), "MM1109", false, ["BasicAuthEnvironmentVariable", s_unset] },
        { "misspelt Layout on a folder", (t, w) => AddSource(t, w.Mirror, ("Priority", "100"), ("Layuot", "Sha256")), "MM1112", false, ["mirror': metadata 'Layuot' is not a setting of folder sources and is ignored", "did you mean 'Layout'"] },
        { "misspelt setting of an oci:// source", (t, w) => AddSource(t, "oci://127.0.0.1:9/models/weather", ("Priority", "100"), ("Insecrue", "true")), "MM1112", false, ["ModelAssetSource 'oci://127.0.0.1:9/models/weather': metadata 'Insecrue' is not a setting of oci:// sources", "did you mean 'Insecure'", "ChunkSize, Insecure, MountFrom"] },
        { "source folder that does not exist", (t, w) => AddSource(t, Path.Combine(w.Root, "no-such-mirror"), ("Priority", "100")), "MM1110", false, ["no-such-mirror", "does not exist", "Condition=\"Exists("] },
    };

    [Theory]
    [MemberData(nameof(BadSettings))]
    public void Bad_setting_is_one_clean_diagnostic_naming_it(string name, Action<ResolveModelAssets, TaskWorkspace> spoil, string id, bool isError, string[] text)
    {
        var task = _workspace.Task();
        spoil(task, _workspace);
        bool succeeded = task.Execute();

        var engine = _workspace.Engine;
        var matching = isError
            ? engine.Errors.Where(e => e.Code == id).Select(e => e.Message ?? string.Empty).ToList()
            : engine.Warnings.Where(w => w.Code == id).Select(w => w.Message ?? string.Empty).ToList();
        string message = Assert.Single(matching);
        foreach (string expected in text)
        {
            Assert.True(message.Contains(expected, StringComparison.Ordinal), $"{name}: '{expected}' not in: {message}");
        }

        Assert.DoesNotContain("   at ", message, StringComparison.Ordinal); // no stack trace
        Assert.Equal(!isError, succeeded);
        // An error stops the build before anything is fetched; a warning leaves the build doing its job.
        Assert.Equal(isError ? 1 : 0, engine.Errors.Count);
        Assert.Equal(!isError, File.Exists(Path.Combine(_workspace.Output, "models", "weights.bin")));
    }

    [Fact]
    public void Control_the_unspoiled_task_bundles_without_any_diagnostic()
    {
        var task = _workspace.Task(TaskWorkspace.Item("http://127.0.0.1:9/", ("Priority", "100"), ("PathTemplate", "{sha256}")));
        Assert.True(task.Execute(), _workspace.Engine.Diagnostics);
        Assert.Empty(_workspace.Engine.Errors);
        Assert.Empty(_workspace.Engine.Warnings);
        Assert.Equal(_workspace.Weights.Bytes, File.ReadAllBytes(Path.Combine(_workspace.Output, "models", "weights.bin")));
    }

    [Fact]
    public void Metadata_of_the_items_own_that_is_no_typo_of_a_setting_gives_no_warning()
    {
        var task = _workspace.Task(TaskWorkspace.Item("http://127.0.0.1:9/", ("Priority", "100"), ("Visible", "false"), ("Link", "mirror"), ("TeamOwner", "ml-platform")));
        Assert.True(task.Execute(), _workspace.Engine.Diagnostics);
        Assert.Empty(_workspace.Engine.Warnings);
    }

    private static void AddSource(ResolveModelAssets task, string include, params (string, string)[] metadata) =>
        task.Sources = [.. task.Sources, TaskWorkspace.Item(include, metadata)];
}
