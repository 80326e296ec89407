using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ModelManifest.Registry.Tests;

/// <summary>HTTP/1.1 by hand over a socket, for requests HttpClient will not send: truncated bodies, lying lengths.</summary>
internal static class RawHttp
{
    /// <summary>Sends <paramref name="head"/> and <paramref name="body"/>; returns what the server answered until it closed (or 10 s passed).</summary>
    public static async Task<string> SendAsync(int port, string head, byte[] body, bool closeAfterSending)
    {
        using var socket = new TcpClient();
        await socket.ConnectAsync(IPAddress.Loopback, port);
        NetworkStream stream = socket.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
        await stream.WriteAsync(body);
        await stream.FlushAsync();
        if (closeAfterSending)
        {
            socket.Client.Shutdown(SocketShutdown.Send);
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var answer = new MemoryStream();
        var buffer = new byte[8192];
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer, timeout.Token)) > 0)
            {
                answer.Write(buffer, 0, read);
                if (!closeAfterSending && Encoding.ASCII.GetString(answer.ToArray()).Contains("}", StringComparison.Ordinal))
                {
                    break;
                }
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException)
        {
        }

        return Encoding.ASCII.GetString(answer.ToArray());
    }
}
