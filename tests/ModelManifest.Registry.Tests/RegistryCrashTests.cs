using System.Net;
using System.Net.Sockets;
using System.Text;
using static ModelManifest.Registry.Tests.RegistryApi;

namespace ModelManifest.Registry.Tests;

/// <summary>A registry killed in the middle of an upload leaves nothing visible, and starts again cleanly.</summary>
public sealed class RegistryCrashTests
{
    [Fact]
    public async Task Killed_during_an_upload_leaves_no_visible_partial_blob()
    {
        using var data = new TempDir();
        byte[] bytes = Bytes(8 * 1024 * 1024, 80);
        string sha = Sha256(bytes);
        RegistryServer server = RegistryServer.Start(data.Path);
        using (var socket = new TcpClient())
        {
            await socket.ConnectAsync(IPAddress.Loopback, server.Port);
            NetworkStream stream = socket.GetStream();
            await stream.WriteAsync(Encoding.ASCII.GetBytes($"PUT /v1/blobs/sha256/{sha} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {RegistryServer.AdminToken}\r\nContent-Length: {bytes.Length}\r\n\r\n"));
            await stream.WriteAsync(bytes.AsMemory(0, 3 * 1024 * 1024));
            await stream.FlushAsync();
            // The server holds a temporary of the upload now.
            string uploads = Path.Combine(data.Path, "uploads");
            for (int i = 0; i < 200 && !Directory.EnumerateFiles(uploads, "upload-*").Any(); i++)
            {
                await Task.Delay(50);
            }

            Assert.NotEmpty(Directory.EnumerateFiles(uploads, "upload-*"));
            await server.DisposeAsync();
        }

        string blobs = Path.Combine(data.Path, "blobs");
        Assert.True(!Directory.Exists(blobs) || Directory.GetFiles(blobs, "*", SearchOption.AllDirectories).Length == 0);
        await using RegistryServer restarted = RegistryServer.Start(data.Path);
        using HttpClient client = restarted.Client();
        using HttpResponseMessage get = await client.GetAsync($"v1/blobs/sha256/{sha}");
        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(data.Path, "uploads"), "upload-*"));
        using HttpClient admin = restarted.Client(RegistryServer.AdminToken);
        Assert.Equal(HttpStatusCode.Created, (await PutBlobAsync(admin, bytes)).StatusCode);
    }
}
