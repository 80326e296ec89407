namespace ModelManifest.Sources.Oci.Tests;

/// <summary>Models, pushes and engines the OCI tests share.</summary>
internal static class OciTestKit
{
    public static AssetInfo Info(SampleAsset asset) => new() { Id = asset.Id, FileName = asset.FileName, Size = asset.Bytes.Length, Sha256 = asset.Sha256 };

    /// <summary>A one-model push of <paramref name="assets"/> (written to <paramref name="dir"/>), with its manifest JSON.</summary>
    public static ModelPush Push(TempDir dir, string version, params SampleAsset[] assets)
    {
        string folder = dir.Sub("push-" + Guid.NewGuid().ToString("N"));
        return new ModelPush
        {
            ModelId = assets[0].Id + "-model",
            Version = version,
            ManifestJson = SampleAsset.Manifest(assets),
            Assets = assets.Select(a =>
            {
                a.WriteTo(folder);
                return new ModelPushAsset(Info(a), Path.Combine(folder, a.FileName));
            }).ToList(),
        };
    }

    /// <summary>A manager with its own cache in <paramref name="dir"/> and short retry delays.</summary>
    public static AssetManager Engine(TempDir dir) =>
        new(new AssetCache(dir.Sub("cache-" + Guid.NewGuid().ToString("N"))), new AssetManagerOptions { RetryDelay = TimeSpan.FromMilliseconds(10) });

    /// <summary>A source or push target through the one factory, as the CLI, the build and the runtime make them.</summary>
    public static IAssetSource Source(string location, Dictionary<string, string>? settings = null) => AssetSourceFactory.Create(location, settings);

    public static IAssetPushTarget Target(string location, Dictionary<string, string>? settings = null) => AssetSourceFactory.CreatePushTarget(location, settings);

    /// <summary>An environment variable of this test process with a unique name (parallel test classes never share one).</summary>
    public static string SetVariable(string value)
    {
        string name = "MM_OCI_TEST_" + Guid.NewGuid().ToString("N").ToUpperInvariant();
        Environment.SetEnvironmentVariable(name, value);
        return name;
    }

    /// <summary>Credential settings naming environment variables that hold <paramref name="user"/> and <paramref name="password"/>.</summary>
    public static Dictionary<string, string> Login(string user, string password) => new()
    {
        ["UsernameEnvironmentVariable"] = SetVariable(user),
        ["PasswordEnvironmentVariable"] = SetVariable(password),
    };

    public static async Task<byte[]> ReadAllAsync(AssetContent content)
    {
        await using (content)
        {
            using var buffer = new MemoryStream();
            await content.Stream.CopyToAsync(buffer);
            return buffer.ToArray();
        }
    }
}
