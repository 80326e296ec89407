using System.Security.Cryptography;

namespace ModelManifest.Assets.Tests.Infrastructure;

/// <summary>Deterministic test content and the asset descriptions that match it.</summary>
public static class TestFiles
{
    public static byte[] Bytes(int size, int seed)
    {
        var bytes = new byte[size];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    public static string Sha256(byte[] bytes) => Convert.ToHexString(SHA256.HashData(bytes)).ToLowerInvariant();

    public static AssetInfo Asset(byte[] content, string id = "weights", string fileName = "weights.bin", string? tag = null) => new()
    {
        Id = id,
        Tag = tag,
        FileName = fileName,
        Size = content.Length,
        Sha256 = Sha256(content),
    };

    /// <summary>Writes <paramref name="size"/> pseudo-random bytes to <paramref name="path"/> and returns their sha256.</summary>
    public static string WriteLarge(string path, long size, int seed)
    {
        var random = new Random(seed);
        var buffer = new byte[1 << 20];
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using var file = File.Create(path);
        for (long written = 0; written < size; written += buffer.Length)
        {
            random.NextBytes(buffer);
            var count = (int)Math.Min(buffer.Length, size - written);
            file.Write(buffer, 0, count);
            hash.AppendData(buffer, 0, count);
        }

        return Convert.ToHexString(hash.GetHashAndReset()).ToLowerInvariant();
    }
}

/// <summary>A temporary folder deleted (read-only blobs included) when disposed.</summary>
public sealed class TempDir : IDisposable
{
    public TempDir()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "mm-assets-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string Sub(string name)
    {
        var path = System.IO.Path.Combine(Path, name);
        Directory.CreateDirectory(path);
        return path;
    }

    /// <summary>Every file below the folder, relative, sorted.</summary>
    public IReadOnlyList<string> Files() =>
        Directory.EnumerateFiles(Path, "*", SearchOption.AllDirectories).Select(f => System.IO.Path.GetRelativePath(Path, f)).Order(StringComparer.Ordinal).ToList();

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}

/// <summary>Builds managers and sources with short retry delays so failure paths run fast.</summary>
public sealed class EngineFixture : IDisposable
{
    private readonly List<IDisposable> _owned = new();

    public EngineFixture(bool offline = false)
    {
        Cache = new AssetCache(Dir.Sub("cache"));
        Options = new AssetManagerOptions { Offline = offline, RetryDelay = TimeSpan.FromMilliseconds(10), Logger = new ListLogger(Log) };
        Manager = new AssetManager(Cache, Options);
    }

    public TempDir Dir { get; } = new();

    public AssetCache Cache { get; }

    public AssetManagerOptions Options { get; }

    public AssetManager Manager { get; }

    public List<string> Log { get; } = new();

    public HttpAssetSource Http(Uri baseUrl, string template = "{fileName}", Action<HttpAssetSourceOptions>? configure = null)
    {
        var options = new HttpAssetSourceOptions { BaseUrl = baseUrl, PathTemplate = template, RetryDelay = TimeSpan.FromMilliseconds(10) };
        configure?.Invoke(options);
        var source = new HttpAssetSource(options);
        _owned.Add(source);
        return source;
    }

    /// <summary>Files in the cache other than CACHEDIR.TAG and lock files.</summary>
    public IReadOnlyList<string> CacheFiles() =>
        Directory.EnumerateFiles(Cache.Root, "*", SearchOption.AllDirectories)
            .Select(f => System.IO.Path.GetRelativePath(Cache.Root, f))
            .Where(f => f != "CACHEDIR.TAG" && !f.StartsWith("locks", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToList();

    public void Dispose()
    {
        foreach (var owned in _owned)
        {
            owned.Dispose();
        }

        Dir.Dispose();
    }
}
