using ModelManifest.Assets.Tests.Infrastructure;
using ModelManifest.IO;

namespace ModelManifest.Assets.Tests;

/// <summary>The one atomic-replace helper every writer of the product uses.</summary>
public sealed class AtomicFileTests
{
    [Fact]
    public void A_write_replaces_the_target_and_leaves_no_temporary()
    {
        using var dir = new TempDir();
        string path = Path.Combine(dir.Path, "a.json");
        File.WriteAllText(path, "old");

        AtomicFile.WriteAllText(path, "new", durable: true);

        Assert.Equal("new", File.ReadAllText(path));
        Assert.Equal(["a.json"], dir.Files());
    }

    [Fact]
    public void A_failing_rename_keeps_the_old_target_and_removes_the_temporary()
    {
        using var dir = new TempDir();
        // A folder at the target path: the temporary is written, the rename over it fails.
        string path = dir.Sub("taken");
        File.WriteAllText(Path.Combine(path, "inside.txt"), "kept");

        Assert.ThrowsAny<IOException>(() => AtomicFile.WriteAllBytes(path, [1, 2, 3]));

        Assert.Equal([Path.Combine("taken", "inside.txt")], dir.Files());
    }

    [Fact]
    public void Write_if_changed_leaves_an_identical_file_untouched_and_replaces_a_different_one()
    {
        using var dir = new TempDir();
        string path = Path.Combine(dir.Path, "index.json");
        File.WriteAllBytes(path, [1, 2, 3]);
        var written = new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(path, written);

        Assert.False(AtomicFile.WriteIfChanged(path, [1, 2, 3]));
        Assert.Equal(written, File.GetLastWriteTimeUtc(path));

        Assert.True(AtomicFile.WriteIfChanged(path, [1, 2, 4]));
        Assert.Equal([1, 2, 4], File.ReadAllBytes(path));
        Assert.Equal(["index.json"], dir.Files());
    }

    [Fact]
    public void Two_temporaries_for_the_same_target_never_share_a_name()
    {
        string target = Path.Combine(Path.GetTempPath(), "x.json");

        Assert.NotEqual(AtomicFile.TemporaryPathFor(target), AtomicFile.TemporaryPathFor(target));
        Assert.Contains("." + Environment.ProcessId + ".", AtomicFile.TemporaryPathFor(target), StringComparison.Ordinal);
    }
}
