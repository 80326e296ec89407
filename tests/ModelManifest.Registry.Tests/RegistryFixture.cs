namespace ModelManifest.Registry.Tests;

/// <summary>One SQLite registry (real process) with a fresh data folder, shared by one test class.</summary>
public sealed class RegistryFixture : IAsyncLifetime
{
    public TempDir Data { get; } = new();

    public RegistryServer Server { get; private set; } = null!;

    public Task InitializeAsync()
    {
        Server = RegistryServer.Start(Data.Path, ["--auth-failure-limit", "1000"]);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        Data.Dispose();
    }

    public HttpClient Admin() => Server.Client(RegistryServer.AdminToken);

    public HttpClient Anonymous() => Server.Client();
}
