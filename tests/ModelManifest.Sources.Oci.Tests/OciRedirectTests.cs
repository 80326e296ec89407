using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ModelManifest.Sources.Oci.Tests;

/// <summary>
/// A registry that asks for basic authentication and answers blob requests with a 307 to blob storage on another origin
/// (as registries backed by S3 or Azure do): the login reaches the registry, never the storage. CNCF Distribution with
/// filesystem storage never redirects, so this one case uses a small fake on loopback (Kestrel).
/// </summary>
public sealed class OciRedirectTests : IAsyncLifetime
{
    private const string Password = "redirect-Pa55word";
    private readonly SampleAsset _asset = new("redirected", "redirected.bin", 60_000, seed: 31);
    private readonly TempDir _dir = new();
    private LoopbackServer _storage = null!;
    private WebApplication _registry = null!;
    private string _host = null!;
    private int _registryRequestsWithLogin;

    public async Task InitializeAsync()
    {
        _storage = await LoopbackServer.StartAsync();
        _storage.Add("store/" + _asset.Sha256, _asset.Bytes);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        _registry = builder.Build();
        _registry.Run(ServeAsync);
        await _registry.StartAsync();
        _host = new Uri(_registry.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()).Authority;
    }

    public async Task DisposeAsync()
    {
        await _registry.DisposeAsync();
        await _storage.DisposeAsync();
        _dir.Dispose();
    }

    [Fact]
    public async Task A_redirect_to_blob_storage_on_another_host_does_not_carry_the_login()
    {
        var engine = OciTestKit.Engine(_dir);
        engine.AddSource(OciTestKit.Source($"oci://{_host}/team/redirected:v1", OciTestKit.Login("robot", Password)));

        var fetched = await engine.GetAsync(OciTestKit.Info(_asset));

        Assert.Equal(_asset.Bytes, await File.ReadAllBytesAsync(fetched.CachePath));
        Assert.True(_registryRequestsWithLogin >= 2, "the registry never received the login");
        Assert.NotEmpty(_storage.Requests);
        Assert.All(_storage.Requests, r => Assert.Equal(string.Empty, r.Authorization));
    }

    private async Task ServeAsync(HttpContext context)
    {
        string expected = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("robot:" + Password));
        if (context.Request.Headers.Authorization.ToString() != expected)
        {
            context.Response.StatusCode = 401;
            context.Response.Headers.WWWAuthenticate = "Basic realm=\"fake registry\"";
            return;
        }

        Interlocked.Increment(ref _registryRequestsWithLogin);
        string path = context.Request.Path.Value ?? string.Empty;
        if (path == "/v2/team/redirected/manifests/v1")
        {
            context.Response.ContentType = "application/vnd.oci.image.manifest.v1+json";
            await context.Response.WriteAsync($$$"""
                {"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","artifactType":"application/vnd.cncf.model.manifest.v1+json",
                 "config":{"mediaType":"application/vnd.cncf.model.config.v1+json","digest":"sha256:{{{new string('0', 64)}}}","size":2},
                 "layers":[{"mediaType":"application/vnd.cncf.model.weight.v1.raw","digest":"sha256:{{{_asset.Sha256}}}","size":{{{_asset.Bytes.Length}}},
                            "annotations":{"org.cncf.model.filepath":"{{{_asset.FileName}}}"}}]}
                """);
            return;
        }

        if (path == "/v2/team/redirected/blobs/sha256:" + _asset.Sha256)
        {
            context.Response.StatusCode = 307;
            context.Response.Headers.Location = new Uri(_storage.BaseUrl, "store/" + _asset.Sha256 + "?X-Signature=presigned").ToString();
            return;
        }

        context.Response.StatusCode = 404;
    }
}
