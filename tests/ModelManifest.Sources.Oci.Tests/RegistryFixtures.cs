namespace ModelManifest.Sources.Oci.Tests;

/// <summary>One open CNCF Distribution registry per test class.</summary>
public sealed class OpenRegistryFixture : IAsyncLifetime
{
    public OciRegistryServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await OciRegistryServer.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

/// <summary>One CNCF Distribution registry behind token auth (with its token service) per test class.</summary>
public sealed class TokenRegistryFixture : IAsyncLifetime
{
    public OciRegistryServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await OciRegistryServer.StartWithTokenAuthAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();
}
