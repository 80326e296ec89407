using System.Text.Json.Nodes;
using ModelManifest.Assets;

namespace ModelManifest.Build.Tasks.Tests;

/// <summary>
/// A byte flipped in the bundled file (with its mtime restored, as <c>touch -r</c> does) is found: the stamp in obj/
/// records the file's identity, so the next build places the file again; <c>ModelAssetVerify=Full</c> rehashes the
/// bundled file even when its identity looks unchanged.
/// </summary>
public sealed class BundledFileIdentityTests : IDisposable
{
    private readonly TaskWorkspace _workspace = new();

    public void Dispose() => _workspace.Dispose();

    private string Bundled => Path.Combine(_workspace.Output, "models", _workspace.Weights.FileName);

    private string StampDirectory => Path.Combine(_workspace.Root, "obj");

    private void Run(string verify = "Fast")
    {
        var task = _workspace.Task();
        task.Verify = verify;
        Assert.True(task.Execute(), _workspace.Engine.Diagnostics);
    }

    private void FlipAByteKeepingMtime()
    {
        DateTime mtime = File.GetLastWriteTimeUtc(Bundled);
        using (var file = new FileStream(Bundled, FileMode.Open, FileAccess.ReadWrite))
        {
            file.Position = 1000;
            int b = file.ReadByte();
            file.Position = 1000;
            file.WriteByte((byte)(b ^ 0xFF));
        }

        File.SetLastWriteTimeUtc(Bundled, mtime);
        Assert.NotEqual(_workspace.Weights.Bytes, File.ReadAllBytes(Bundled));
    }

    [Fact]
    public void A_byte_flipped_in_the_bundled_file_with_mtime_restored_is_placed_again_on_the_next_build()
    {
        Run();
        FlipAByteKeepingMtime();

        Run();

        Assert.Equal(_workspace.Weights.Bytes, File.ReadAllBytes(Bundled));
    }

    [Fact]
    public void A_no_op_build_keeps_the_bundled_file_and_the_index_records_its_identity()
    {
        Run();
        string index = File.ReadAllText(Path.Combine(_workspace.Output, BundleIndex.FileName));
        var entry = JsonNode.Parse(index)!["assets"]![0]!;
        string identity = (string?)entry["identity"] ?? "";
        Assert.StartsWith("v2 ", identity, StringComparison.Ordinal); // FileIdentity's text: v2 device inode size mtime ctime
        Assert.Equal(_workspace.Weights.Bytes.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), identity.Split(' ')[3]);

        Run();

        Assert.Equal(index, File.ReadAllText(Path.Combine(_workspace.Output, BundleIndex.FileName)));
        Assert.Contains(_workspace.Engine.Messages, m => m.Message!.Contains("weights: up to date", StringComparison.Ordinal));
    }

    [Fact]
    public void Full_verify_rehashes_the_bundled_file_and_places_a_mismatching_one_again()
    {
        Run();
        FlipAByteKeepingMtime();
        // Record the damaged file's identity as if it had been placed so: a change the identity cannot see.
        var planned = new PlannedAsset(
            new AssetInfo { Id = _workspace.Weights.Id, FileName = _workspace.Weights.FileName, Size = _workspace.Weights.Bytes.Length, Sha256 = _workspace.Weights.Sha256 },
            "models/" + _workspace.Weights.FileName, _workspace.Manifest, 1, 1);
        BuildStamp.Write(StampDirectory, planned, _workspace.Output);

        Run("Fast");
        Assert.NotEqual(_workspace.Weights.Bytes, File.ReadAllBytes(Bundled)); // Fast trusts the identity

        Run("Full");

        Assert.Equal(_workspace.Weights.Bytes, File.ReadAllBytes(Bundled));
        Assert.Contains(_workspace.Engine.Messages, m => m.Message!.Contains("full verify of the bundled file models/weights.bin: sha256", StringComparison.Ordinal));
    }
}
