using Microsoft.Extensions.DependencyInjection;
using ModelManifest.Extensions.DependencyInjection;

namespace ModelManifest.Sources.HuggingFace.Tests;

/// <summary>The caches users already have, through the engine: found first, linked not copied, a corrupt blob never served.</summary>
public sealed class LocalCachesTests : IDisposable
{
    private readonly TempDir _temp = new();
    private readonly byte[] _weights = TestContent.Bytes(300_000, 5);

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task An_asset_in_the_Hugging_Face_cache_is_served_first_and_linked_into_the_cache()
    {
        string blob = LocalStores.HuggingFace(_temp.Sub("hf"), "acme/weather", "model.safetensors", _weights);
        var mirror = Mirror(_weights, "model.safetensors");
        var manager = Manager();
        manager.AddSource(mirror, 0);
        manager.AddSource(LocalCacheSource.HuggingFace(_temp.File("hf")), LocalCaches.Priority); // added last, still asked first

        AssetResult result = await manager.GetAsync(Assets.Of(_weights, "model.safetensors"));

        Assert.Equal("Hugging Face cache", result.SourceName);
        Assert.Equal(_weights, await File.ReadAllBytesAsync(result.CachePath));
        // Same volume without reflinks here (ext4): a hardlink, the same inode — no second copy of the bytes.
        Assert.Equal(FileIdentity.Of(blob)!.Value.Inode, FileIdentity.Of(result.CachePath)!.Value.Inode);
        Assert.Equal(_weights, await File.ReadAllBytesAsync(blob));
    }

    [Fact]
    public async Task An_asset_in_the_Ollama_store_is_served_by_it()
    {
        LocalStores.Ollama(_temp.Sub("ollama"), "tiny", _weights);
        var manager = Manager();
        manager.AddSource(LocalCacheSource.Ollama(_temp.File("ollama")), LocalCaches.Priority);

        AssetResult result = await manager.GetAsync(Assets.Of(_weights, "tiny.gguf"));

        Assert.Equal("Ollama store", result.SourceName);
        Assert.Equal(_weights, await File.ReadAllBytesAsync(result.CachePath));
    }

    [Fact]
    public async Task A_corrupt_blob_is_never_served_or_linked_and_the_next_source_serves()
    {
        string blob = LocalStores.HuggingFace(_temp.Sub("hf"), "acme/weather", "model.safetensors", _weights);
        byte[] corrupt = (byte[])_weights.Clone();
        corrupt[12345] ^= 0xFF;
        File.WriteAllBytes(blob, corrupt); // same name (the sha256) and size, other bytes
        var manager = Manager();
        manager.AddSource(LocalCacheSource.HuggingFace(_temp.File("hf")), LocalCaches.Priority);
        manager.AddSource(Mirror(_weights, "model.safetensors"), 0);

        AssetResult result = await manager.GetAsync(Assets.Of(_weights, "model.safetensors"));

        Assert.StartsWith("directory:", result.SourceName, StringComparison.Ordinal);
        SourceAttempt refused = Assert.Single(result.Attempts);
        Assert.Equal("Hugging Face cache", refused.SourceName);
        Assert.Equal(AssetDiagnosticIds.HashMismatch, refused.Code);
        Assert.Equal(_weights, await File.ReadAllBytesAsync(result.CachePath));
        Assert.NotEqual(FileIdentity.Of(blob)!.Value.Inode, FileIdentity.Of(result.CachePath)!.Value.Inode);
        Assert.Equal(corrupt, await File.ReadAllBytesAsync(blob)); // another tool's file: left as it was
    }

    [Fact]
    public async Task A_corrupt_blob_alone_fails_and_leaves_nothing_in_the_cache()
    {
        string blob = LocalStores.HuggingFace(_temp.Sub("hf"), "acme/weather", "model.safetensors", _weights);
        byte[] corrupt = (byte[])_weights.Clone();
        corrupt[0] ^= 0xFF;
        File.WriteAllBytes(blob, corrupt);
        var cache = new AssetCache(_temp.Sub("cache"));
        var manager = new AssetManager(cache, new AssetManagerOptions { Offline = true });
        manager.AddSource(LocalCacheSource.HuggingFace(_temp.File("hf")), LocalCaches.Priority);
        var asset = Assets.Of(_weights, "model.safetensors");

        var error = await Assert.ThrowsAsync<AssetException>(() => manager.GetAsync(asset));

        Assert.Equal(AssetDiagnosticIds.HashMismatch, Assert.Single(error.Attempts).Code);
        Assert.False(manager.IsCached(asset));
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(cache.Root, "blobs"), "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task A_blob_of_another_size_is_not_here_and_offline_mode_still_asks_the_local_caches()
    {
        string root = _temp.Sub("ollama");
        LocalStores.Ollama(root, "tiny", _weights);
        var manager = new AssetManager(new AssetCache(_temp.Sub("cache")), new AssetManagerOptions { Offline = true });
        manager.AddSource(LocalCacheSource.Ollama(root), LocalCaches.Priority);

        var wrongSize = Assets.Of(_weights, "tiny.gguf") with { Size = _weights.Length - 1 };
        var error = await Assert.ThrowsAsync<AssetException>(() => manager.GetAsync(wrongSize));
        Assert.Contains($"has {_weights.Length} bytes", Assert.Single(error.Attempts).Message);

        AssetResult served = await manager.GetAsync(Assets.Of(_weights, "tiny.gguf"));
        Assert.Equal("Ollama store", served.SourceName);
    }

    [Fact]
    public void The_default_folders_come_from_HF_HUB_CACHE_and_OLLAMA_MODELS_and_one_variable_turns_them_off()
    {
        using (new ScopedEnvironment(("HF_HUB_CACHE", _temp.Sub("hf")), ("OLLAMA_MODELS", _temp.Sub("ollama")), (LocalCaches.EnvironmentVariable, null)))
        {
            var sources = LocalCaches.Create().Cast<LocalCacheSource>().ToList();
            Assert.Equal(["Hugging Face cache", "Ollama store"], sources.Select(s => s.Name));
            Assert.Equal([_temp.File("hf"), _temp.File("ollama")], sources.Select(s => s.Root));
            Assert.All(sources, s => Assert.False(s.RequiresNetwork));
            Assert.True(LocalCaches.IsEnabledByEnvironment);
        }

        using (new ScopedEnvironment(("HF_HUB_CACHE", null), ("HF_HOME", _temp.File("home")), ("OLLAMA_MODELS", _temp.File("absent"))))
        {
            Assert.Equal(Path.Combine(_temp.File("home"), "hub"), LocalCacheSource.HuggingFace().Root);
            Assert.Empty(LocalCaches.Create()); // folders that do not exist add no source
        }

        using (new ScopedEnvironment((LocalCaches.EnvironmentVariable, "0")))
        {
            Assert.False(LocalCaches.IsEnabledByEnvironment);
        }
    }

    [Fact]
    public void The_DI_option_switches_the_local_caches_off()
    {
        using var env = new ScopedEnvironment(("HF_HUB_CACHE", _temp.Sub("hf")), (LocalCaches.EnvironmentVariable, null));
        string cacheRoot = _temp.Sub("cache");

        using (var on = new ServiceCollection().AddModelManifest(o => { o.CacheRoot = cacheRoot; o.BundleDirectory = null; }).BuildServiceProvider())
        {
            Assert.Equal("Hugging Face cache", on.GetRequiredService<AssetManager>().Sources[0].Name);
        }

        using var off = new ServiceCollection().AddModelManifest(o => { o.CacheRoot = cacheRoot; o.BundleDirectory = null; o.UseLocalCaches = false; }).BuildServiceProvider();
        Assert.DoesNotContain(off.GetRequiredService<AssetManager>().Sources, s => s.Name == "Hugging Face cache");
    }

    [Fact]
    public void Explicit_locations_name_other_folders()
    {
        var hf = Assert.IsType<LocalCacheSource>(AssetSourceFactory.Create("hf-cache://" + _temp.Path));
        var ollama = Assert.IsType<LocalCacheSource>(AssetSourceFactory.Create("ollama-store://" + _temp.Path));
        Assert.Equal(_temp.Path, hf.Root);
        Assert.Equal("Ollama store", ollama.Name);
        Assert.Equal(AssetDiagnosticIds.InvalidSourceLocation, Assert.Throws<AssetException>(() => AssetSourceFactory.Create("hf-cache://relative/folder")).Code);
    }

    private DirectoryAssetSource Mirror(byte[] bytes, string fileName)
    {
        string folder = _temp.Sub("mirror");
        File.WriteAllBytes(Path.Combine(folder, fileName), bytes);
        return new DirectoryAssetSource(folder);
    }

    private AssetManager Manager() => new(new AssetCache(_temp.Sub("cache")), new AssetManagerOptions { Offline = false });
}
