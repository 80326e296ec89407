using ModelManifest.Assets.Tests.Infrastructure;

namespace ModelManifest.Assets.Tests.Registry;

/// <summary>A fresh engine, a loopback server (a blob store to redirect to) and a fake registry per test; a token variable of its own.</summary>
public abstract class RegistryTestBase : LoopbackTestBase
{
    protected FakeRegistry Registry { get; private set; } = null!;

    /// <summary>An environment variable name unique to this test, cleared afterwards.</summary>
    protected string TokenVariable { get; } = "MM_TEST_REGISTRY_TOKEN_" + Guid.NewGuid().ToString("N")[..8];

    /// <summary>The registry's location as users write it: <c>registry+http://127.0.0.1:port/</c>.</summary>
    protected string Location => "registry+" + Registry.BaseUrl;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Registry = await FakeRegistry.StartAsync();
    }

    public override async Task DisposeAsync()
    {
        Environment.SetEnvironmentVariable(TokenVariable, null);
        await Registry.DisposeAsync();
        await base.DisposeAsync();
    }

    /// <summary>Settings with the token variable (set to <paramref name="token"/>) and any others.</summary>
    protected Dictionary<string, string> WithToken(string token, params (string Key, string Value)[] more)
    {
        Environment.SetEnvironmentVariable(TokenVariable, token);
        var settings = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { [AssetSourceFactory.TokenEnvironmentVariableKey] = TokenVariable };
        foreach (var (key, value) in more)
        {
            settings[key] = value;
        }

        return settings;
    }

    /// <summary>Fresh content that the registry holds as a blob, and its asset.</summary>
    protected (byte[] Content, AssetInfo Asset) BlobInRegistry(int size, int seed)
    {
        var content = TestContent.Bytes(size, seed);
        Registry.AddBlob(content);
        return (content, TestFiles.Asset(content));
    }

    /// <summary>Writes <paramref name="content"/> to a local file and describes it as asset <paramref name="id"/>.</summary>
    protected ModelPushAsset LocalAsset(string id, byte[] content)
    {
        string path = Path.Combine(Engine.Dir.Sub("local"), id + ".bin");
        File.WriteAllBytes(path, content);
        return new ModelPushAsset(TestFiles.Asset(content, id, id + ".bin"), path);
    }

    /// <summary>One model version to push, with the manifest document the push command would hand over.</summary>
    protected static ModelPush Push(string id, string version, params (ModelPushAsset Asset, byte[] Content)[] assets) => new()
    {
        ModelId = id,
        Version = version,
        ManifestJson = FakeRegistry.OneModelManifest(id, version, [.. assets.Select(a => (a.Asset.Asset.Id, a.Content))]),
        Assets = [.. assets.Select(a => a.Asset)],
    };
}
