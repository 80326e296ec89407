using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;

namespace ModelManifest.Testing;

/// <summary>A real HTTP server (Kestrel) on 127.0.0.1 with a random port that counts connections, requests and body bytes.</summary>
public sealed class LoopbackServer : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, ServedFile> _files = new(StringComparer.Ordinal);
    private WebApplication _app = null!;
    private long _bytesSent;
    private int _connections;
    private int _inFlight;
    private int _maxInFlight;

    private LoopbackServer()
    {
    }

    public Uri BaseUrl { get; private set; } = null!;

    public long BytesSent => Interlocked.Read(ref _bytesSent);

    public int ConnectionCount => Volatile.Read(ref _connections);

    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    public int RequestCount => Requests.Count;

    /// <summary>The most requests served at the same time: how many connections a client really used at once.</summary>
    public int MaxInFlight => Volatile.Read(ref _maxInFlight);

    /// <summary>With HTTPS: the server's self-signed certificate (for 127.0.0.1) as PEM, for a client to trust (<c>SSL_CERT_FILE</c>).</summary>
    public string? CertificatePem { get; private set; }

    /// <summary>
    /// Starts the server: plain HTTP/1.1, or with <paramref name="https"/> TLS offering HTTP/2 and HTTP/1.1 by ALPN (as
    /// CDNs and the Hugging Face hub do), with a fresh self-signed certificate.
    /// </summary>
    public static async Task<LoopbackServer> StartAsync(bool https = false)
    {
        var server = new LoopbackServer();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        X509Certificate2? certificate = https ? LoopbackCertificate.Create() : null;
        server.CertificatePem = certificate?.ExportCertificatePem();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen =>
        {
            listen.Use(next => context =>
            {
                Interlocked.Increment(ref server._connections);
                return next(context);
            });
            if (certificate is not null)
            {
                listen.Protocols = HttpProtocols.Http1AndHttp2;
                listen.UseHttps(certificate);
            }
        }));
        server._app = builder.Build();
        server._app.Run(server.HandleAsync);
        await server._app.StartAsync();
        var address = server._app.Services.GetService(typeof(Microsoft.AspNetCore.Hosting.Server.IServer)) is Microsoft.AspNetCore.Hosting.Server.IServer s
            ? s.Features.Get<IServerAddressesFeature>()!.Addresses.First()
            : throw new InvalidOperationException("no server");
        server.BaseUrl = new Uri(address.TrimEnd('/') + "/");
        return server;
    }

    public Uri Add(string path, ServedFile file)
    {
        _files["/" + path.TrimStart('/')] = file;
        return new Uri(BaseUrl, path.TrimStart('/'));
    }

    public ServedFile Add(string path, byte[] content) => _files["/" + path.TrimStart('/')] = new ServedFile(content);

    public long BytesSentFor(string path) => Requests.Where(r => r.Path == "/" + path.TrimStart('/')).Sum(r => r.BytesSent);

    /// <summary>Waits until no request is being served, so byte counters are final.</summary>
    public async Task WaitIdleAsync()
    {
        for (var waited = 0; Volatile.Read(ref _inFlight) > 0; waited += 10)
        {
            if (waited > 60_000)
            {
                throw new TimeoutException("server never went idle");
            }

            await Task.Delay(10);
        }
    }

    private async Task HandleAsync(HttpContext context)
    {
        var now = Interlocked.Increment(ref _inFlight);
        for (var max = Volatile.Read(ref _maxInFlight); now > max; max = Volatile.Read(ref _maxInFlight))
        {
            Interlocked.CompareExchange(ref _maxInFlight, now, max);
        }

        try
        {
            await ServeAsync(context);
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    private async Task ServeAsync(HttpContext context)
    {
        var record = new RecordedRequest(context.Request.Path.Value ?? string.Empty, context.Request.Headers.Range.ToString(), context.Request.Headers.Authorization.ToString())
        {
            IfNoneMatch = context.Request.Headers.IfNoneMatch.ToString(),
            Protocol = context.Request.Protocol,
        };
        Requests.Enqueue(record);
        if (!_files.TryGetValue(record.Path, out var file))
        {
            context.Response.StatusCode = 404;
            return;
        }

        if (file.RequiredAuthorization is not null && record.Authorization != file.RequiredAuthorization)
        {
            context.Response.StatusCode = 401;
            return;
        }

        if (file.RedirectTo is not null)
        {
            context.Response.StatusCode = 302;
            context.Response.Headers.Location = file.RedirectTo;
            return;
        }

        if (file.Status != 0)
        {
            context.Response.StatusCode = file.Status;
            return;
        }

        if (file.ContentType is not null)
        {
            context.Response.ContentType = file.ContentType;
        }

        if (file.ETag is not null)
        {
            context.Response.Headers.ETag = file.ETag;
            if (context.Request.Headers.IfNoneMatch.ToString() == file.ETag)
            {
                context.Response.StatusCode = 304;
                return;
            }
        }

        lock (file)
        {
            if (file.FailFirst > 0)
            {
                file.FailFirst--;
                context.Response.StatusCode = file.FailStatus;
                if (file.RetryAfter is not null)
                {
                    context.Response.Headers.RetryAfter = file.RetryAfter;
                }

                return;
            }
        }

        if (file.AnswerDelay > TimeSpan.Zero)
        {
            await Task.Delay(file.AnswerDelay, context.RequestAborted);
        }

        long start = 0;
        var end = file.Length - 1;
        if (file.SupportsRange && TryParseRange(record.Range, file.Length, out var from, out var to))
        {
            start = from;
            end = to;
            if (file.WrongContentRange)
            {
                start++;
            }

            context.Response.StatusCode = 206;
            context.Response.Headers.ContentRange = $"bytes {start}-{end}/{file.Length}";
        }

        context.Response.ContentLength = end - start + 1;
        bool drop, stall;
        lock (file)
        {
            drop = file.DropCount > 0 && file.DropAfterBytes >= 0;
            if (drop)
            {
                file.DropCount--;
            }

            stall = file.StallCount > 0 && file.StallAfterBytes >= 0;
            if (stall)
            {
                file.StallCount--;
            }
        }

        await using var stream = file.Open();
        stream.Position = start;
        var buffer = new byte[1 << 20];
        long sent = 0;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            if (sent >= end - start + 1)
            {
                return; // the whole range is sent (before any drop or stall point)
            }

            var limit = file.TrickleDelay > TimeSpan.Zero ? 1 : file.BytesPerSecondPerConnection > 0 ? 64 << 10 : buffer.Length;
            limit = (int)Math.Min(limit, end - start + 1 - sent);

            if (drop)
            {
                limit = (int)Math.Min(limit, file.DropAfterBytes - sent);
            }

            if (stall)
            {
                limit = (int)Math.Min(limit, file.StallAfterBytes - sent);
            }

            if (limit <= 0)
            {
                if (drop)
                {
                    // An abort sends RST, which also discards what the client has not read yet; give it a moment to read
                    // so the test sees a drop after those bytes (the engine is right either way, the test would be vaguer).
                    await Task.Delay(300);
                    context.Abort();
                    return;
                }

                // Stall: hold the response open without sending until the client gives up.
                await Task.Delay(Timeout.Infinite, context.RequestAborted).ContinueWith(_ => { });
                return;
            }

            var read = await stream.ReadAsync(buffer.AsMemory(0, limit));
            if (read == 0)
            {
                return;
            }

            if (file.WrongBytes)
            {
                for (int i = 0; i < read; i++)
                {
                    buffer[i] ^= 1;
                }
            }

            var at = file.WrongByteAt - (start + sent);
            if (at >= 0 && at < read)
            {
                buffer[at] ^= 0x80;
            }

            try
            {
                await context.Response.Body.WriteAsync(buffer.AsMemory(0, read), context.RequestAborted);
                await context.Response.Body.FlushAsync(context.RequestAborted);
            }
            catch (Exception e) when (e is OperationCanceledException or IOException)
            {
                return;
            }

            sent += read;
            record.AddBytes(read);
            Interlocked.Add(ref _bytesSent, read);
            if (file.BytesPerSecondPerConnection > 0)
            {
                // Pace this response only: a server (or CDN) that caps each connection, not the client's total.
                var due = TimeSpan.FromSeconds((double)sent / file.BytesPerSecondPerConnection) - clock.Elapsed;
                if (due > TimeSpan.Zero)
                {
                    try
                    {
                        await Task.Delay(due, context.RequestAborted);
                    }
                    catch (OperationCanceledException)
                    {
                        return;
                    }
                }
            }

            if (file.ChunkDelay > TimeSpan.Zero || file.TrickleDelay > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(file.ChunkDelay + file.TrickleDelay, context.RequestAborted);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <summary>Parses <c>bytes=a-</c> and <c>bytes=a-b</c> (the forms the engine sends); anything else is served whole.</summary>
    private static bool TryParseRange(string header, long length, out long from, out long to)
    {
        from = 0;
        to = length - 1;
        if (!header.StartsWith("bytes=", StringComparison.Ordinal) || header.Contains(',', StringComparison.Ordinal))
        {
            return false;
        }

        var dash = header.IndexOf('-', StringComparison.Ordinal);
        var culture = System.Globalization.CultureInfo.InvariantCulture;
        if (dash < 0 || !long.TryParse(header["bytes=".Length..dash], System.Globalization.NumberStyles.None, culture, out from))
        {
            return false;
        }

        if (dash + 1 < header.Length)
        {
            if (!long.TryParse(header[(dash + 1)..], System.Globalization.NumberStyles.None, culture, out to))
            {
                return false;
            }

            to = Math.Min(to, length - 1);
        }

        return from <= to;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>One request as the server saw it.</summary>
public sealed class RecordedRequest(string path, string range, string authorization)
{
    private long _bytes;

    public string Path { get; } = path;

    public string Range { get; } = range;

    public string Authorization { get; } = authorization;

    public string IfNoneMatch { get; init; } = string.Empty;

    /// <summary>"HTTP/1.1" or "HTTP/2".</summary>
    public string Protocol { get; init; } = string.Empty;

    public long BytesSent => Interlocked.Read(ref _bytes);

    public void AddBytes(long count) => Interlocked.Add(ref _bytes, count);
}
