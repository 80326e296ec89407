namespace ModelManifest.Testing;

/// <summary>
/// A real S3 API implementation (the npm package <c>s3rver</c>) on 127.0.0.1 with a temp data folder and the buckets
/// given, created at start. s3rver accepts the access key <see cref="AccessKey"/> with secret <see cref="SecretKey"/>
/// and refuses an unknown access key id (it does not verify SigV4 signatures, so tests of refused credentials use a
/// wrong key id).
/// </summary>
public sealed class S3Server : ExternalServer
{
    /// <summary>The access key id s3rver accepts.</summary>
    public const string AccessKey = "S3RVER";

    /// <summary>The secret access key s3rver accepts.</summary>
    public const string SecretKey = "S3RVER";

    private readonly TempDir _data;

    private S3Server(TempDir data, int port, string[] buckets)
        : base(NpmTool("s3rver"), Arguments(data.Path, port, buckets), port)
    {
        _data = data;
    }

    /// <summary>The endpoint URL (<c>http://127.0.0.1:port</c>), as <c>AWS_ENDPOINT_URL_S3</c> would name it.</summary>
    public Uri Endpoint => new($"http://127.0.0.1:{Port}");

    /// <summary>Starts s3rver with <paramref name="buckets"/> created.</summary>
    public static S3Server Start(params string[] buckets) => new(new TempDir(), FreePort(), buckets);

    /// <summary>Environment variables that point the AWS SDKs and CLI at this server with valid credentials.</summary>
    public IReadOnlyDictionary<string, string> ClientEnvironment => new Dictionary<string, string>
    {
        ["AWS_ENDPOINT_URL_S3"] = Endpoint.ToString().TrimEnd('/'),
        ["AWS_ACCESS_KEY_ID"] = AccessKey,
        ["AWS_SECRET_ACCESS_KEY"] = SecretKey,
        ["AWS_REGION"] = "us-east-1",
    };

    /// <inheritdoc />
    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        _data.Dispose();
    }

    private static IEnumerable<string> Arguments(string directory, int port, string[] buckets)
    {
        yield return "-d";
        yield return directory;
        yield return "-a";
        yield return "127.0.0.1";
        yield return "-p";
        yield return port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        yield return "--silent";
        foreach (string bucket in buckets)
        {
            yield return "--configure-bucket";
            yield return bucket;
        }
    }
}
