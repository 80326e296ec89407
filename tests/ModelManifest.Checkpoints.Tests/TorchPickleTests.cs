using System.IO.Compression;
using System.Text.Json;
using ModelManifest.Checkpoints.Pickle;

namespace ModelManifest.Checkpoints.Tests;

/// <summary>Real torch.save files: the inventory read without Python equals what torch.load(weights_only=True) reports.</summary>
public sealed class TorchInventoryTests(PythonTorchFiles files) : IClassFixture<PythonTorchFiles>
{
    private sealed record Reference(string Name, string DType, long[] Shape, long[] Stride, long Offset, long Storage, long StorageBytes);

    [Theory]
    [InlineData("plain.pt")]
    [InlineData("views.pt")]
    [InlineData("dtypes.pt")]
    [InlineData("lightning.ckpt")]
    [InlineData("model.pt")]
    [InlineData("legacy.pt")]
    [InlineData("anemoi.ckpt")]
    public void Inventory_equals_what_torch_load_weights_only_reports(string name)
    {
        string path = files.File(name);
        var expected = JsonSerializer.Deserialize<Reference[]>(File.ReadAllText(path + ".reference.json"), new JsonSerializerOptions(JsonSerializerDefaults.Web))!;
        CheckpointInfo info = CheckpointInspector.Inspect(path, hash: false);

        Assert.Equal(CheckpointFormat.Torch, info.Format);
        TorchCheckpointInfo torch = info.Torch!;
        Assert.Empty(torch.UnsafeGlobals);
        Assert.Empty(torch.Problems);
        Assert.True(torch.IsSafe);
        Assert.NotEmpty(expected);
        Assert.Equal(
            expected.Select(e => $"{e.Name} {e.DType} [{string.Join(",", e.Shape)}] [{string.Join(",", e.Stride)}] +{e.Offset}").Order(),
            torch.Tensors.Select(t => $"{t.Name} {t.DType} [{string.Join(",", t.Shape)}] [{string.Join(",", t.Stride)}] +{t.StorageOffset}").Order());
        Assert.Equal(expected.Sum(e => e.Shape.Aggregate(1L, (a, d) => a * d)), torch.ParameterCount);
        Assert.Equal(torch.ParameterCount, info.ParameterCount);

        // Tensors share a storage in our inventory exactly when they share one in torch.
        var ours = torch.Tensors.ToDictionary(t => t.Name, t => t.StorageKey);
        var withData = expected.Where(e => e.StorageBytes > 0).ToArray();
        foreach (Reference a in withData)
        {
            foreach (Reference b in withData)
            {
                Assert.Equal(a.Storage == b.Storage, ours[a.Name] == ours[b.Name]);
            }
        }
    }

    [Fact]
    public void Legacy_files_are_read_as_a_pickle_sequence_not_a_zip()
    {
        TorchCheckpointInfo torch = TorchZipReader.ReadFile(files.File("legacy.pt"));
        Assert.True(torch.Legacy);
        Assert.Empty(torch.Entries);
        Assert.Contains(torch.Tensors, t => t.Name == "half" && t.StorageOffset == 12 && t.Shape.SequenceEqual([2L, 6]));
    }

    [Fact]
    public void Nested_checkpoints_keep_the_path_and_the_top_level_keys()
    {
        TorchCheckpointInfo torch = TorchZipReader.ReadFile(files.File("lightning.ckpt"));
        Assert.Contains("state_dict", torch.TopLevelKeys);
        Assert.Contains("hyper_parameters", torch.TopLevelKeys);
        Assert.Contains(torch.Tensors, t => t.Name == "state_dict.model.0.weight" && t.Shape.SequenceEqual([8L, 4]));
        Assert.Contains(torch.Tensors, t => t.Name.StartsWith("optimizer_states.0.state.0.momentum_buffer", StringComparison.Ordinal));
    }

    [Fact]
    public void Anemoi_metadata_inside_a_real_checkpoint_is_read()
    {
        TorchCheckpointInfo torch = TorchZipReader.ReadFile(files.File("anemoi.ckpt"));
        Assert.EndsWith("anemoi-metadata/anemoi.json", torch.MetadataEntry);
        Assert.Equal(["2t", "10u"], torch.Metadata.Variables.ToArray());
        Assert.Equal("PT6H", torch.Metadata.TimeStep);
        Assert.Equal(files.TorchVersion, torch.Metadata.ModuleVersions["torch"]);
    }

    [Fact]
    public void A_storage_shorter_than_a_view_is_reported()
    {
        byte[] original = File.ReadAllBytes(files.File("plain.pt"));
        using var ms = new MemoryStream();
        using (var source = new ZipArchive(new MemoryStream(original), ZipArchiveMode.Read))
        using (var target = new ZipArchive(ms, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (ZipArchiveEntry e in source.Entries)
            {
                using Stream from = e.Open();
                using Stream to = target.CreateEntry(e.FullName, CompressionLevel.NoCompression).Open();
                byte[] data = new byte[e.Length];
                from.ReadExactly(data);

                // Cut storage 0 to half its length.
                to.Write(e.FullName.EndsWith("/data/0", StringComparison.Ordinal) ? data[..(data.Length / 2)] : data);
            }
        }

        TorchCheckpointInfo torch = TorchZipReader.Read(TestFiles.Open(ms.ToArray()));
        Assert.False(torch.IsSafe);
        Assert.Contains(torch.Problems, p => p.Contains("storage '0'", StringComparison.Ordinal));
    }
}

/// <summary>Malicious pickles are reported and never run.</summary>
public sealed class TorchMaliciousTests(PythonTorchFiles files) : IClassFixture<PythonTorchFiles>
{
    [Theory]
    [InlineData("os_system.pt", "system")]
    [InlineData("eval.pt", "builtins.eval")]
    [InlineData("popen.pt", "subprocess.Popen")]
    [InlineData("nested_reduce.pt", "builtins.__import__")]
    [InlineData("protocol0.pt", "system")]
    [InlineData("protocol4.pt", "subprocess.Popen")]
    [InlineData("torch_save_payload.pt", "system")]
    public void Dangerous_globals_are_reported_and_the_payload_never_runs(string name, string global)
    {
        string path = Path.Combine(files.MaliciousDirectory, name);
        CheckpointInfo info = CheckpointInspector.Inspect(path);

        Assert.Equal(CheckpointFormat.Torch, info.Format);
        TorchCheckpointInfo torch = info.Torch!;
        Assert.False(torch.IsSafe);
        TorchUnsafeGlobal found = Assert.Single(torch.UnsafeGlobals, g => g.FullName.Contains(global, StringComparison.Ordinal));
        Assert.True(found.Dangerous);
        Assert.EndsWith("data.pkl", found.Entry);
        Assert.True(found.Offset > 0);
        Assert.False(File.Exists(files.Marker), "a payload ran");
    }

    [Fact]
    public void Nested_reduce_reports_every_global_of_the_chain()
    {
        TorchCheckpointInfo torch = TorchZipReader.ReadFile(Path.Combine(files.MaliciousDirectory, "nested_reduce.pt"));
        Assert.Equal(["builtins.__import__", "builtins.getattr"], torch.UnsafeGlobals.Select(g => g.FullName).Order().ToArray());
    }

    [Fact]
    public void An_unknown_but_harmless_global_is_refused_without_the_dangerous_flag()
    {
        // PROTO 2, GLOBAL 'mypackage MyModule', EMPTY_TUPLE, REDUCE, STOP.
        byte[] pickle = [0x80, 0x02, .. "cmypackage\nMyModule\n"u8, (byte)')', (byte)'R', (byte)'.'];
        PickleResult result = PickleMachine.Run(pickle, "test");
        PickleFinding f = Assert.Single(result.Findings);
        Assert.Equal(("mypackage", "MyModule", 2L, false), (f.Module, f.Name, f.Offset, f.Dangerous));
    }
}

/// <summary>Truncated and mutated pickles: one clean error, no hang, bounded memory.</summary>
public sealed class TorchPickleFuzzTests(PythonTorchFiles files) : IClassFixture<PythonTorchFiles>
{
    private byte[] SmallPickle()
    {
        using var zip = new ZipArchive(File.OpenRead(files.File("views.pt")), ZipArchiveMode.Read);
        ZipArchiveEntry entry = zip.Entries.Single(e => e.FullName.EndsWith("/data.pkl", StringComparison.Ordinal));
        byte[] data = new byte[entry.Length];
        using Stream s = entry.Open();
        s.ReadExactly(data);
        return data;
    }

    [Fact]
    public void Truncation_at_every_offset_is_a_clean_error()
    {
        byte[] pickle = SmallPickle();
        for (int length = 0; length < pickle.Length; length++)
        {
            byte[] cut = pickle[..length];
            Assert.Throws<CheckpointFormatException>(() => TorchPickleAnalysis.Analyze(cut, "data.pkl", _ => 1 << 20));
        }
    }

    [Fact]
    public void Mutation_at_every_offset_is_a_clean_error_or_a_result_with_bounded_memory()
    {
        byte[] pickle = SmallPickle();
        byte[][] replacements = [[0x00], [0xff], [0x80], [(byte)'('], [(byte)'.'], [(byte)'c'], [(byte)'h'], [0x8a]];
        foreach (int offset in Enumerable.Range(0, pickle.Length))
        {
            foreach (byte[] r in replacements)
            {
                byte[] mutated = (byte[])pickle.Clone();
                mutated[offset] = r[0];
                long allocated = TestFiles.Allocated(() =>
                {
                    try
                    {
                        _ = TorchPickleAnalysis.Analyze(mutated, "data.pkl", _ => 1 << 20);
                    }
                    catch (CheckpointFormatException)
                    {
                    }
                });
                Assert.True(allocated < (1 << 20) + (200L * pickle.Length), $"offset {offset} byte {r[0]:x2}: {allocated} bytes allocated");
            }
        }
    }

    [Fact]
    public void A_self_referencing_list_does_not_loop()
    {
        // PROTO 2, EMPTY_LIST, BINPUT 0, BINGET 0, APPEND, BINGET 0, APPEND, STOP: l = [l, l].
        byte[] pickle = [0x80, 0x02, (byte)']', (byte)'q', 0, (byte)'h', 0, (byte)'a', (byte)'h', 0, (byte)'a', (byte)'.'];
        TorchPickleAnalysis analysis = TorchPickleAnalysis.Analyze(pickle, "data.pkl", _ => 0);
        Assert.Empty(analysis.Tensors);
        Assert.Empty(analysis.Problems);
    }
}

/// <summary>Files that stand where a checkpoint should be but are not one: a clean error that says what they are.</summary>
public sealed class NotACheckpointTests
{
    private static CheckpointFormatException Refused(string path) =>
        Assert.Throws<CheckpointFormatException>(() => CheckpointInspector.Inspect(path));

    [Fact]
    public void Lfs_pointers_html_pages_empty_files_and_directories_are_named_with_a_fix()
    {
        string dir = Path.Combine(Path.GetTempPath(), "mm-placeholder-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            string lfs = Path.Combine(dir, "model.safetensors");
            File.WriteAllText(lfs, "version https://git-lfs.github.com/spec/v1\noid sha256:4d7a2146\nsize 1342177280\n");
            Assert.Contains("Git LFS pointer", Refused(lfs).Message);
            Assert.Contains("git lfs pull", Refused(lfs).Message);

            string html = Path.Combine(dir, "model.ckpt");
            File.WriteAllText(html, "\n<!DOCTYPE html><html><body>Sign in</body></html>");
            Assert.Contains("HTML page", Refused(html).Message);

            string empty = Path.Combine(dir, "model.gguf");
            File.WriteAllBytes(empty, []);
            Assert.Contains("empty (0 bytes)", Refused(empty).Message);

            Assert.Contains("is a directory", Refused(dir).Message);
            Assert.Contains("not a regular file", Refused("/dev/zero").Message);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void A_fifo_is_refused_without_blocking_on_open()
    {
        string fifo = Path.Combine(Path.GetTempPath(), "mm-fifo-" + Guid.NewGuid().ToString("N"));
        using (var p = System.Diagnostics.Process.Start("mkfifo", fifo))
        {
            p.WaitForExit();
        }

        try
        {
            Assert.Contains("not a regular file", Refused(fifo).Message);
        }
        finally
        {
            File.Delete(fifo);
        }
    }

    [Fact]
    public void Duplicate_tensor_names_in_a_safetensors_header_are_refused()
    {
        byte[] file = SafetensorsTests.Raw("""{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}""", 8);
        CheckpointFormatException e = TestFiles.AssertCleanError(SafetensorsReader.Read, file);
        Assert.Contains("'a' twice", e.Reason);
    }
}
