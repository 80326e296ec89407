namespace ModelManifest.Sources.S3.Tests;

/// <summary>
/// The s3 source and push target against a real S3 implementation (s3rver) on loopback, built through the runtime's one
/// source factory (as the CLI, the build task and DI configuration build them), with objects put by another client.
/// </summary>
public sealed class S3SourceTests(S3Fixture s3) : IClassFixture<S3Fixture>, IDisposable
{
    // s3rver refuses an unknown access key id (403 InvalidAccessKeyId) but does not verify SigV4 signatures, so refused
    // credentials are a wrong key id here; the secret beside it must not show either.
    private const string WrongKeyId = "AKIAWRONGKEY7";
    private const string WrongSecret = "wrong-secret-Zq81vK3";
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Provider_is_found_by_scheme_from_the_optional_package()
    {
        using var source = (IDisposable)AssetSourceFactory.Create("s3://models/team/", s3.Settings());
        var asSource = (IAssetSource)source;
        Assert.Equal("s3://models/team", asSource.Name);
        Assert.True(asSource.RequiresNetwork);
        Assert.IsAssignableFrom<IRangedAssetSource>(source);
        Assert.Equal("ModelManifest.Sources.S3", source.GetType().Assembly.GetName().Name);

        using var target = (IDisposable)AssetSourceFactory.CreatePushTarget("s3://mirror", s3.Settings());
        Assert.Equal("s3://mirror", ((IAssetPushTarget)target).Name);
    }

    [Theory]
    [InlineData("flat", "{fileName}")]
    [InlineData("nested", "{id}/{tag}/{fileName}")]
    [InlineData("addressed", "sha256/{sha256}")]
    public async Task Fetches_an_object_another_client_put_in_each_layout(string prefix, string layout)
    {
        var asset = new SampleAsset("weights-" + prefix, "model.onnx", 70_000, seed: prefix.Length, tag: "fp16");
        s3.Put(S3Fixture.Bucket, $"{prefix}/{Expand(layout, asset)}", asset.Bytes);

        var result = await Manager().AddSource(Create($"s3://models/{prefix}")).GetAsync(Info(asset));

        Assert.Equal($"s3://models/{prefix}", result.SourceName);
        Assert.Equal(asset.Bytes, File.ReadAllBytes(result.CachePath));
    }

    [Fact]
    public async Task A_missing_object_is_not_here_and_the_next_source_serves_it()
    {
        var asset = new SampleAsset("absent", "absent.bin", 5_000, seed: 3);
        asset.WriteTo(_dir.Sub("mirror"));

        var result = await Manager()
            .AddSource(Create("s3://models/nothing-here"), priority: 0)
            .AddSource(new DirectoryAssetSource(_dir.File("mirror")), priority: 10)
            .GetAsync(Info(asset));

        Assert.StartsWith("directory:", result.SourceName);
        var s3Attempt = Assert.Single(result.Attempts);
        Assert.Equal("s3://models/nothing-here", s3Attempt.SourceName);
        Assert.Equal(AssetDiagnosticIds.NotInSource, s3Attempt.Code);
        Assert.Contains("s3://models/nothing-here/absent.bin", s3Attempt.Message);
        Assert.Contains("s3://models/nothing-here/sha256/" + asset.Sha256, s3Attempt.Message);
    }

    [Fact]
    public async Task An_object_of_another_size_is_not_served()
    {
        var asset = new SampleAsset("resized", "resized.bin", 4_000, seed: 4);
        s3.Put(S3Fixture.Bucket, "resized/resized.bin", asset.Bytes[..3_000]);

        var error = await Assert.ThrowsAsync<AssetException>(() => Manager().AddSource(Create("s3://models/resized")).GetAsync(Info(asset)));

        var attempt = Assert.Single(error.Attempts);
        Assert.Equal(AssetDiagnosticIds.NotInSource, attempt.Code);
        Assert.Contains("resized/resized.bin (3000 bytes)", attempt.Message);
    }

    [Fact]
    public async Task Refused_credentials_are_a_clean_error_naming_the_source_and_never_the_keys()
    {
        var asset = new SampleAsset("guarded", "guarded.bin", 2_000, seed: 5);
        s3.Put(S3Fixture.Bucket, "guarded/guarded.bin", asset.Bytes);
        using var keys = new WrongKeys();

        var error = await Assert.ThrowsAsync<AssetException>(() => Manager().AddSource(AssetSourceFactory.Create("s3://models/guarded", keys.Settings(s3))).GetAsync(Info(asset)));

        Assert.Equal(AssetDiagnosticIds.NotFoundInAnySource, error.Code);
        var attempt = Assert.Single(error.Attempts);
        Assert.Equal("s3://models/guarded", attempt.SourceName);
        Assert.Equal(AssetDiagnosticIds.InvalidCredential, attempt.Code);
        Assert.Contains("s3://models/guarded/guarded.bin was refused (HTTP 403", attempt.Message);
        Assert.Contains($"the environment variables {keys.KeyVariable} and {keys.SecretVariable}", attempt.Message);
        Assert.DoesNotContain(WrongSecret, error.ToString());
        Assert.DoesNotContain(WrongKeyId, error.ToString());
    }

    [Fact]
    public async Task An_unset_credential_variable_is_a_clean_error()
    {
        var asset = new SampleAsset("unset", "unset.bin", 1_000, seed: 6);
        string variable = "MM_S3_TEST_UNSET_" + Guid.NewGuid().ToString("N")[..8];
        var settings = s3.Settings(("AccessKeyEnvironmentVariable", variable));

        var error = await Assert.ThrowsAsync<AssetException>(() => Manager().AddSource(AssetSourceFactory.Create("s3://models/unset", settings)).GetAsync(Info(asset)));

        var attempt = Assert.Single(error.Attempts);
        Assert.Equal(AssetDiagnosticIds.InvalidCredential, attempt.Code);
        Assert.Equal($"the environment variable {variable} (named by the AccessKeyEnvironmentVariable setting) is not set.", attempt.Message);
    }

    [Fact]
    public async Task Ranged_reads_return_exactly_the_bytes_asked_for()
    {
        var asset = new SampleAsset("ranged", "ranged.bin", 100_000, seed: 7);
        s3.Put(S3Fixture.Bucket, "ranged/ranged.bin", asset.Bytes);
        var source = (IRangedAssetSource)Create("s3://models/ranged");
        var info = Info(asset);
        Assert.True((await source.ProbeAsync(info, default)).IsAvailable);

        await using (var range = await source.OpenRangeAsync(info, 12_345, 6_789, default))
        {
            Assert.Equal(12_345, range.Offset);
            Assert.Equal(6_789, range.Length);
            Assert.Equal(asset.Bytes.AsSpan(12_345, 6_789).ToArray(), await ReadAll(range.Stream));
        }

        await using var rest = await source.OpenReadAsync(info, 99_000, default);
        Assert.Equal(99_000, rest.Offset);
        Assert.Equal(asset.Bytes.AsSpan(99_000).ToArray(), await ReadAll(rest.Stream));
    }

    [Fact]
    public async Task A_large_object_is_fetched_in_parallel_ranges()
    {
        string file = _dir.File("large.bin");
        string sha256 = TestContent.WriteLarge(file, 24L << 20, seed: 8);
        s3.Aws("s3", "cp", file, "s3://models/large/large.bin");
        var info = new AssetInfo { Id = "large", FileName = "large.bin", Size = 24L << 20, Sha256 = sha256 };
        var options = new AssetManagerOptions { Transfer = new TransferOptions { MaxConnectionsPerAsset = 4, MinimumSplitSize = 1 << 20, PartSize = 4 << 20 } };
        var counted = new RangeCounter((IRangedAssetSource)Create("s3://models/large"));

        var result = await new AssetManager(new AssetCache(_dir.Sub("cache-large")), options).AddSource(counted).GetAsync(info);

        Assert.Equal(sha256, TestContent.Sha256(File.ReadAllBytes(result.CachePath)));
        Assert.True(counted.Ranges >= 6, $"{counted.Ranges} range requests for 6 parts");
    }

    [Theory]
    [InlineData("http://127.0.0.1:{0}", true)]
    [InlineData("http://localhost:{0}", true)]
    [InlineData("https://s3.example.com", false)]
    public void Path_style_is_automatic_for_address_and_localhost_endpoints(string endpoint, bool pathStyle)
    {
        string url = string.Format(System.Globalization.CultureInfo.InvariantCulture, endpoint, s3.Server.Port);
        var settings = S3Settings.Parse(Location("s3://models/x", s3.Settings(("Endpoint", url))));
        Assert.Equal(pathStyle, settings.PathStyle);
        Assert.False(S3Settings.Parse(Location("s3://models/x", s3.Settings(("PathStyle", "false")))).PathStyle);
    }

    [Fact]
    public async Task A_localhost_endpoint_works_without_a_path_style_setting()
    {
        // Virtual-hosted addressing would ask models.localhost, which does not resolve: only path-style reaches the bucket.
        var asset = new SampleAsset("local", "local.bin", 3_000, seed: 9);
        s3.Put(S3Fixture.Bucket, "local/local.bin", asset.Bytes);
        var settings = s3.Settings(("Endpoint", $"http://localhost:{s3.Server.Port}"));

        var result = await Manager().AddSource(AssetSourceFactory.Create("s3://models/local", settings)).GetAsync(Info(asset));

        Assert.Equal(asset.Bytes, File.ReadAllBytes(result.CachePath));
    }

    [Theory]
    [InlineData("s3://AKIAEXAMPLE:inline-secret-9@models/team", null)]
    [InlineData("s3://models/team", "http://AKIAEXAMPLE:inline-secret-9@127.0.0.1:9000")]
    public void An_inline_secret_is_rejected_without_being_echoed(string location, string? endpoint)
    {
        var settings = endpoint is null ? null : new Dictionary<string, string> { ["Endpoint"] = endpoint };

        var error = Assert.Throws<AssetException>(() => AssetSourceFactory.Create(location, settings));

        Assert.Equal(AssetDiagnosticIds.InvalidSourceLocation, error.Code);
        Assert.Contains("credential", error.Message);
        Assert.DoesNotContain("inline-secret-9", error.Message);
    }

    [Theory]
    [InlineData("s3://", "names no valid bucket")]
    [InlineData("s3://models/a/../b", "'..'")]
    [InlineData("s3://models/team?versionId=1", "query string")]
    public void A_malformed_location_is_mm1015(string location, string problem)
    {
        var error = Assert.Throws<AssetException>(() => AssetSourceFactory.Create(location, s3.Settings()));
        Assert.Equal(AssetDiagnosticIds.InvalidSourceLocation, error.Code);
        Assert.Contains(problem, error.Message);
    }

    [Fact]
    public async Task Push_then_fetch_back_and_a_second_push_uploads_nothing()
    {
        var small = new SampleAsset("tokenizer", "tokenizer.json", 9_000, seed: 10);
        string largeFile = _dir.File("big.safetensors");
        string largeSha = TestContent.WriteLarge(largeFile, 20L << 20, seed: 11);
        var large = new AssetInfo { Id = "weights", Tag = "fp32", FileName = "big.safetensors", Size = 20L << 20, Sha256 = largeSha };
        var push = new ModelPush
        {
            ModelId = "pushed-model",
            Version = "1.2.0",
            ManifestJson = """{ "schemaVersion": "1.1", "models": [] }""",
            Assets = [new ModelPushAsset(Info(small), _dir.Write("tokenizer.json", small.Bytes)), new ModelPushAsset(large, largeFile)],
        };
        using var target = (IDisposable)AssetSourceFactory.CreatePushTarget("s3://mirror/team", s3.Settings());

        var first = await ((IAssetPushTarget)target).PushAsync(push, null, default);
        var second = await ((IAssetPushTarget)target).PushAsync(push, null, default);

        Assert.Equal((2, 0), (first.Uploaded, first.Skipped));
        Assert.Equal((0, 2), (second.Uploaded, second.Skipped));
        Assert.Equal("s3://mirror/team/models/pushed-model/1.2.0.models.json", first.Reference);

        // Another client sees the objects, the sha256 metadata and the manifest.
        Assert.Contains($"\"sha256\": \"{largeSha}\"", s3.Aws("s3api", "head-object", "--bucket", "mirror", "--key", "team/sha256/" + largeSha));
        string manifest = _dir.File("pulled.models.json");
        s3.Aws("s3", "cp", "s3://mirror/team/models/pushed-model/1.2.0.models.json", manifest);
        Assert.Equal(push.ManifestJson, File.ReadAllText(manifest));

        var manager = Manager().AddSource(AssetSourceFactory.Create("s3://mirror/team", s3.Settings()));
        Assert.Equal(small.Bytes, File.ReadAllBytes((await manager.GetAsync(Info(small))).CachePath));
        Assert.Equal(largeSha, TestContent.Sha256(File.ReadAllBytes((await manager.GetAsync(large)).CachePath)));
    }

    [Fact]
    public async Task Push_replaces_an_object_without_sha256_metadata()
    {
        var asset = new SampleAsset("foreign", "foreign.bin", 1_500, seed: 12);
        s3.Put(S3Fixture.PushBucket, "foreign/sha256/" + asset.Sha256, asset.Bytes);
        var push = new ModelPush { ModelId = "foreign-model", Version = "1.0.0", Assets = [new ModelPushAsset(Info(asset), _dir.Write("foreign.bin", asset.Bytes))] };
        using var target = (IDisposable)AssetSourceFactory.CreatePushTarget("s3://mirror/foreign", s3.Settings());

        var result = await ((IAssetPushTarget)target).PushAsync(push, null, default);

        Assert.Equal(1, result.Uploaded);
        Assert.Equal("s3://mirror/foreign", result.Reference);
        Assert.Contains($"\"sha256\": \"{asset.Sha256}\"", s3.Aws("s3api", "head-object", "--bucket", "mirror", "--key", "foreign/sha256/" + asset.Sha256));
    }

    [Fact]
    public async Task A_push_with_refused_credentials_is_a_clean_error()
    {
        using var keys = new WrongKeys();
        var asset = new SampleAsset("denied", "denied.bin", 1_000, seed: 13);
        var push = new ModelPush { ModelId = "denied-model", Version = "1.0.0", Assets = [new ModelPushAsset(Info(asset), _dir.Write("denied.bin", asset.Bytes))] };
        using var target = (IDisposable)AssetSourceFactory.CreatePushTarget("s3://mirror/denied", keys.Settings(s3));

        var error = await Assert.ThrowsAsync<AssetException>(() => ((IAssetPushTarget)target).PushAsync(push, null, default));

        Assert.Equal(AssetDiagnosticIds.InvalidCredential, error.Code);
        Assert.Contains("Pushing model 'denied-model' 1.0.0 to s3://mirror/denied failed: access to s3://mirror/denied/sha256/", error.Message);
        Assert.DoesNotContain(WrongSecret, error.ToString());
        Assert.DoesNotContain(WrongKeyId, error.ToString());
    }

    /// <summary>A refused key id and a secret in environment variables of their own, named by the settings.</summary>
    private sealed class WrongKeys : IDisposable
    {
        public WrongKeys()
        {
            Environment.SetEnvironmentVariable(KeyVariable, WrongKeyId);
            Environment.SetEnvironmentVariable(SecretVariable, WrongSecret);
        }

        public string KeyVariable { get; } = "MM_S3_TEST_WRONG_KEY_" + Guid.NewGuid().ToString("N")[..8];

        public string SecretVariable { get; } = "MM_S3_TEST_WRONG_SECRET_" + Guid.NewGuid().ToString("N")[..8];

        public Dictionary<string, string> Settings(S3Fixture s3) =>
            s3.Settings(("AccessKeyEnvironmentVariable", KeyVariable), ("SecretKeyEnvironmentVariable", SecretVariable));

        public void Dispose()
        {
            Environment.SetEnvironmentVariable(KeyVariable, null);
            Environment.SetEnvironmentVariable(SecretVariable, null);
        }
    }

    /// <summary>Counts the range requests the engine makes of a source (a split download makes one per part).</summary>
    private sealed class RangeCounter(IRangedAssetSource inner) : IRangedAssetSource
    {
        private int _ranges;

        public int Ranges => _ranges;

        public string Name => inner.Name;

        public ValueTask<AssetAvailability> ProbeAsync(AssetInfo asset, CancellationToken cancellationToken) => inner.ProbeAsync(asset, cancellationToken);

        public ValueTask<AssetContent> OpenReadAsync(AssetInfo asset, long offset, CancellationToken cancellationToken) => inner.OpenReadAsync(asset, offset, cancellationToken);

        public ValueTask<AssetContent> OpenRangeAsync(AssetInfo asset, long offset, long length, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _ranges);
            return inner.OpenRangeAsync(asset, offset, length, cancellationToken);
        }
    }

    private IAssetSource Create(string location) => AssetSourceFactory.Create(location, s3.Settings());

    private AssetManager Manager() => new(new AssetCache(_dir.Sub("cache-" + Guid.NewGuid().ToString("N")[..6])), new AssetManagerOptions { RetryDelay = TimeSpan.FromMilliseconds(10) });

    private static AssetInfo Info(SampleAsset asset) =>
        new() { Id = asset.Id, Tag = asset.Tag, FileName = asset.FileName, Size = asset.Bytes.Length, Sha256 = asset.Sha256 };

    private static string Expand(string layout, SampleAsset asset) => layout
        .Replace("{id}", asset.Id, StringComparison.Ordinal)
        .Replace("{tag}", asset.Tag, StringComparison.Ordinal)
        .Replace("{fileName}", asset.FileName, StringComparison.Ordinal)
        .Replace("{sha256}", asset.Sha256, StringComparison.Ordinal);

    private static AssetSourceLocation Location(string text, Dictionary<string, string> settings) =>
        new(text, "s3", settings, Directory.GetCurrentDirectory());

    private static async Task<byte[]> ReadAll(Stream stream)
    {
        using var memory = new MemoryStream();
        await stream.CopyToAsync(memory);
        return memory.ToArray();
    }
}
