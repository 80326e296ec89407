namespace ModelManifest.Assets.Tests.Infrastructure;

/// <summary>A fresh engine (temporary cache) and a fresh loopback server per test.</summary>
public abstract class LoopbackTestBase : IAsyncLifetime
{
    protected LoopbackTestBase(bool offline = false) => Engine = new EngineFixture(offline);

    protected EngineFixture Engine { get; }

    protected LoopbackServer Server { get; private set; } = null!;

    /// <summary>Serves fresh content over HTTP and registers that server as the manager's only source.</summary>
    protected (byte[] Content, AssetInfo Asset, ServedFile Served) ServeOverHttp(int size, int seed, Action<HttpAssetSourceOptions>? configure = null)
    {
        var content = TestContent.Bytes(size, seed);
        var asset = TestFiles.Asset(content);
        var served = Server.Add(asset.FileName, content);
        Engine.Manager.AddSource(Engine.Http(Server.BaseUrl, configure: configure));
        return (content, asset, served);
    }

    /// <summary>A folder source named "mirror" holding the right bytes, asked after the server (priority 100).</summary>
    protected void AddFallbackMirror(AssetInfo asset, byte[] content)
    {
        var mirror = Engine.Dir.Sub("mirror");
        File.WriteAllBytes(Path.Combine(mirror, asset.FileName), content);
        Engine.Manager.AddSource(new DirectoryAssetSource(mirror, name: "mirror"), 100);
    }

    /// <summary>Serves a large file streamed from disk (written once, pseudo-random) without registering a source.</summary>
    protected (AssetInfo Asset, ServedFile Served) ServeLargeFile(string name, long size, int seed)
    {
        var file = Path.Combine(Engine.Dir.Sub("served"), name);
        var sha = TestContent.WriteLarge(file, size, seed);
        var served = new ServedFile(() => File.OpenRead(file), size);
        Server.Add(name, served);
        return (new AssetInfo { Id = Path.GetFileNameWithoutExtension(name), FileName = name, Size = size, Sha256 = sha }, served);
    }

    public virtual async Task InitializeAsync() => Server = await LoopbackServer.StartAsync();

    public virtual async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        Engine.Dispose();
    }
}
