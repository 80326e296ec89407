using ModelManifest.Checkpoints;

namespace ModelManifest.Checkpoints.Tests;

public sealed class TorchZipTests
{
    [Fact]
    public void Anemoi_metadata_maps_to_variables_time_step_grid_and_module_versions()
    {
        TorchCheckpointInfo info = TorchZipReader.Read(TestFiles.Open(TestFiles.Torch()));

        Assert.Equal("aifs-test", info.ArchiveName);
        Assert.Contains(info.Entries, e => e.Name == "aifs-test/data.pkl");
        Assert.Contains(info.Entries, e => e.Name == "aifs-test/data/1" && e.Length == 16);
        Assert.Equal("aifs-test/anemoi-metadata/anemoi.json", info.MetadataEntry);

        TorchMetadata m = info.Metadata;
        Assert.Equal(["10u", "10v", "2t", "t_850", "z_500"], m.Variables.ToArray());
        Assert.Equal("PT6H", m.TimeStep);
        Assert.Equal(2, m.InputTimeSteps);
        Assert.Equal("O96", m.Grid);
        Assert.Equal(40320, m.GridPoints);
        Assert.Equal("2.4.1", m.ModuleVersions["torch"]);
        Assert.Equal("3.11.9", m.PythonVersion);
        Assert.Equal("d1f3c0de-0001", m.RunId);
        Assert.Equal("anemoi", m.Framework);
    }

    [Fact]
    public void A_checkpoint_without_metadata_lists_its_entries()
    {
        TorchCheckpointInfo info = TorchZipReader.Read(TestFiles.Open(TestFiles.Torch(anemoiJson: null)));
        Assert.Null(info.MetadataEntry);
        Assert.Empty(info.Metadata.Variables);
        Assert.Equal(5, info.Entries.Length);
    }

    [Theory]
    [InlineData("6h", "PT6H")]
    [InlineData("30m", "PT30M")]
    [InlineData("1d", "P1D")]
    [InlineData("12", "PT12H")]
    [InlineData("PT3H", "PT3H")]
    public void Time_steps_become_iso_8601(string text, string expected) => Assert.Equal(expected, TorchZipReader.ToIsoDuration(text));

    [Fact]
    public void Truncation_at_every_offset_is_a_clean_error()
    {
        byte[] file = TestFiles.Torch();
        for (int length = 0; length < file.Length; length += 7)
        {
            TestFiles.AssertCleanError(TorchZipReader.Read, file[..length]);
        }
    }

    [Fact]
    public void Invalid_metadata_json_is_a_clean_error()
    {
        CheckpointFormatException e = TestFiles.AssertCleanError(TorchZipReader.Read, TestFiles.Torch("{ not json"));
        Assert.Contains("anemoi.json", e.Reason);
    }

    [Fact]
    public void A_zip_without_data_pkl_is_not_a_torch_checkpoint()
    {
        using var ms = new MemoryStream();
        using (var zip = new System.IO.Compression.ZipArchive(ms, System.IO.Compression.ZipArchiveMode.Create, leaveOpen: true))
        {
            zip.CreateEntry("readme.txt");
        }

        Assert.Equal(CheckpointFormat.Other, CheckpointSniffer.Detect(TestFiles.Open(ms.ToArray())));
        TestFiles.AssertCleanError(TorchZipReader.Read, ms.ToArray());
    }
}

public sealed class SnifferAndInspectorTests
{
    [Fact]
    public void Each_written_format_is_recognised()
    {
        Assert.Equal(CheckpointFormat.Safetensors, CheckpointSniffer.Detect(TestFiles.Open(TestFiles.Safetensors())));
        Assert.Equal(CheckpointFormat.Gguf, CheckpointSniffer.Detect(TestFiles.Open(TestFiles.Gguf())));
        Assert.Equal(CheckpointFormat.Torch, CheckpointSniffer.Detect(TestFiles.Open(TestFiles.Torch())));
        Assert.Equal(CheckpointFormat.Onnx, CheckpointSniffer.DetectFile(OnnxTests.AllModels()[0]));
        Assert.Equal(CheckpointFormat.Other, CheckpointSniffer.Detect(TestFiles.Open("hello world, not a model"u8.ToArray())));
        Assert.Equal(CheckpointFormat.Other, CheckpointSniffer.Detect(TestFiles.Open([])));
    }

    [Fact]
    public void Inspect_hashes_in_one_pass_and_matches_the_framework_sha256()
    {
        string path = Path.Combine(Path.GetTempPath(), $"mm-inspect-{Guid.NewGuid():N}.safetensors");
        File.WriteAllBytes(path, TestFiles.Safetensors());
        try
        {
            CheckpointInfo info = CheckpointInspector.Inspect(path);
            Assert.Equal(CheckpointFormat.Safetensors, info.Format);
            Assert.Equal(new FileInfo(path).Length, info.Size);
            Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(path))), info.Sha256);
            Assert.Equal(18, info.ParameterCount);
            Assert.Null(CheckpointInspector.Inspect(path, hash: false).Sha256);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Errors_from_a_path_name_the_file_and_keep_the_offset()
    {
        string path = Path.Combine(Path.GetTempPath(), $"mm-inspect-{Guid.NewGuid():N}.gguf");
        File.WriteAllBytes(path, TestFiles.Gguf()[..30]);
        try
        {
            var e = Assert.Throws<CheckpointFormatException>(() => CheckpointInspector.Inspect(path));
            Assert.Equal(path, e.FilePath);
            Assert.Equal(8, e.Offset); // the tensor count that cannot fit in the 6 bytes left
            Assert.StartsWith(path + ": GGUF at offset 8: tensor count", e.Message);
            Assert.Equal(e.Message, path + ": " + e.Detail);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Unknown_files_get_size_and_hash_only()
    {
        string path = Path.Combine(Path.GetTempPath(), $"mm-inspect-{Guid.NewGuid():N}.bin");
        File.WriteAllBytes(path, new byte[1000]);
        try
        {
            CheckpointInfo info = CheckpointInspector.Inspect(path);
            Assert.Equal(CheckpointFormat.Other, info.Format);
            Assert.Equal(1000, info.Size);
            Assert.Equal(64, info.Sha256!.Length);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
