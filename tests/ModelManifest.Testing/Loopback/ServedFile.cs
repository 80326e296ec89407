namespace ModelManifest.Testing;

/// <summary>How the loopback server serves one path; each misbehaviour is a switch a test turns on.</summary>
public sealed class ServedFile
{
    public ServedFile(byte[] content) : this(() => new MemoryStream(content, writable: false), content.Length)
    {
    }

    public ServedFile(Func<Stream> open, long length)
    {
        Open = open;
        Length = length;
    }

    public Func<Stream> Open { get; }

    public long Length { get; }

    /// <summary>Honour Range requests with 206 (otherwise always 200 with the whole file).</summary>
    public bool SupportsRange { get; set; } = true;

    /// <summary>Answer range requests with 206 but a Content-Range that starts one byte late (the body does too).</summary>
    public bool WrongContentRange { get; set; }

    /// <summary>Abort the connection after this many body bytes, for the next <see cref="DropCount"/> requests.</summary>
    public long DropAfterBytes { get; set; } = -1;

    public int DropCount { get; set; }

    /// <summary>After this many body bytes, stop sending and hang until the client goes away, for the next <see cref="StallCount"/> requests.</summary>
    public long StallAfterBytes { get; set; } = -1;

    public int StallCount { get; set; }

    /// <summary>Flip every byte's lowest bit: right length, wrong content.</summary>
    public bool WrongBytes { get; set; }

    /// <summary>Flip one bit of the byte at this position of the file, in every response that covers it (-1: none).</summary>
    public long WrongByteAt { get; set; } = -1;

    /// <summary>Pace each response to this many bytes per second (0: as fast as possible), as a server that caps every connection.</summary>
    public long BytesPerSecondPerConnection { get; set; }

    /// <summary>Wait this long before answering each request with the body (a server far away: every request costs a round trip).</summary>
    public TimeSpan AnswerDelay { get; set; }

    /// <summary>Answer <see cref="FailStatus"/> to this many requests first.</summary>
    public int FailFirst { get; set; }

    /// <summary>The status of the <see cref="FailFirst"/> answers: 503 unless set (429: too many requests).</summary>
    public int FailStatus { get; set; } = 503;

    /// <summary>Fixed status to answer (for example 404), or 0.</summary>
    public int Status { get; set; }

    /// <summary>Redirect (302) to this absolute URL.</summary>
    public string? RedirectTo { get; set; }

    /// <summary>When set, requests without exactly this Authorization header get 401.</summary>
    public string? RequiredAuthorization { get; set; }

    /// <summary>When set, sent as the ETag; a request whose If-None-Match equals it gets 304.</summary>
    public string? ETag { get; set; }

    /// <summary>The Content-Type header, if any (a JSON answer such as a token endpoint's).</summary>
    public string? ContentType { get; set; }

    /// <summary>Pause this long after each 1 MiB chunk (to catch a download in the middle).</summary>
    public TimeSpan ChunkDelay { get; set; }

    /// <summary>Send the body one byte at a time with this pause after each byte (a server that trickles but never stalls).</summary>
    public TimeSpan TrickleDelay { get; set; }

    /// <summary>When set, sent as the Retry-After header with the <see cref="FailFirst"/> answers.</summary>
    public string? RetryAfter { get; set; }
}
