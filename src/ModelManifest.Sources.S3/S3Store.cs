using System.Net;
using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.CredentialManagement;
using Amazon.Runtime.Credentials;
using Amazon.S3;
using Amazon.S3.Model;
using ModelManifest.Assets;

namespace ModelManifest.Sources.S3;

/// <summary>
/// One bucket and prefix reached through one S3 client, shared by the source and the push target: the client is made at
/// the first request (so a missing credential is that request's clean error, never a failure to create the source),
/// and every SDK failure becomes an <see cref="AssetSourceException"/> with a stable code and a message of our own
/// (the SDK's messages may quote the access key id or the string that was signed).
/// </summary>
internal sealed class S3Store : IDisposable
{
    /// <summary>The user metadata key (<c>x-amz-meta-sha256</c>) holding an object's sha256, written by push.</summary>
    public const string Sha256Metadata = "x-amz-meta-sha256";

    private readonly object _gate = new();
    private AmazonS3Client? _client;

    public S3Store(S3Settings settings)
    {
        Settings = settings;
    }

    public S3Settings Settings { get; }

    /// <summary>The object's size and stored sha256 (when it has one), or <see langword="null"/> when there is no such object.</summary>
    public async Task<(long Size, string? Sha256)?> HeadAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            var response = await Client().GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = Settings.Bucket, Key = key }, cancellationToken).ConfigureAwait(false);
            string? sha256 = response.Metadata[Sha256Metadata];
            return (response.ContentLength, string.IsNullOrEmpty(sha256) ? null : sha256.Trim().ToLowerInvariant());
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            throw Fail(e, key);
        }
    }

    /// <summary>Opens the object, or the bytes <c>[offset, offset + length)</c> of it; the stream owns the response.</summary>
    public async Task<GetObjectResponse> GetAsync(string key, long offset, long? length, CancellationToken cancellationToken)
    {
        var request = new GetObjectRequest { BucketName = Settings.Bucket, Key = key };
        if (length is { } count)
        {
            request.ByteRange = new ByteRange(offset, offset + count - 1);
        }
        else if (offset > 0)
        {
            request.ByteRange = new ByteRange(FormattableString.Invariant($"bytes={offset}-"));
        }

        try
        {
            return await Client().GetObjectAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            throw Fail(e, key);
        }
    }

    /// <summary>The client, created at first use from the settings and the environment.</summary>
    public AmazonS3Client Client()
    {
        lock (_gate)
        {
            return _client ??= new AmazonS3Client(Credentials(), Config());
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _client?.Dispose();
            _client = null;
        }
    }

    /// <summary>
    /// An SDK failure as a clean source error: refused credentials, a missing object, an unreachable endpoint. The message
    /// is ours; only a transport failure's own reason (such as "Connection refused") is kept, scrubbed of every secret.
    /// </summary>
    public AssetSourceException Fail(Exception e, string key)
    {
        string url = Settings.Url(key);
        switch (e)
        {
            case AssetSourceException ready:
                return ready;
            case AmazonS3Exception s3 when s3.StatusCode == HttpStatusCode.NotFound || s3.ErrorCode is "NoSuchKey" or "NoSuchBucket":
                return new AssetSourceException(AssetDiagnosticIds.NotInSource, $"no object at {url} ({s3.ErrorCode ?? "HTTP 404"}).");
            case AmazonS3Exception s3 when s3.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized
                || s3.ErrorCode is "InvalidAccessKeyId" or "SignatureDoesNotMatch" or "AccessDenied" or "ExpiredToken" or "InvalidToken":
                return new AssetSourceException(AssetDiagnosticIds.InvalidCredential,
                    $"access to {url} was refused ({Describe(s3)}): check the credentials from {CredentialOrigin()}"
                    + " (a store that does not allow listing the bucket also answers 403 for a missing object).");
            case AmazonServiceException service:
                return new AssetSourceException(AssetDiagnosticIds.TransportError, $"{Endpoint()} answered {Describe(service)} for {url}.", isTransient: false);
            default:
                string reason = (e.InnerException as HttpRequestException ?? e as HttpRequestException ?? e.InnerException ?? e).Message;
                return new AssetSourceException(AssetDiagnosticIds.TransportError, $"cannot reach {Endpoint()} for {url}: {Scrub(reason)}", isTransient: false);
        }
    }

    /// <summary>Where the credentials come from, for messages (never their values).</summary>
    public string CredentialOrigin() => Settings switch
    {
        { Anonymous: true } => "nowhere (Anonymous: requests are unsigned)",
        { KeyVariables: { } keys } => $"the environment variables {keys.AccessKey} and {keys.SecretKey}",
        { Profile: { } profile } => $"the AWS profile '{profile}'",
        _ => "the AWS default chain (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY/AWS_SESSION_TOKEN, AWS_PROFILE, shared config files, instance roles)",
    };

    private static string Describe(AmazonServiceException e) =>
        string.IsNullOrEmpty(e.ErrorCode) ? $"HTTP {(int)e.StatusCode}" : $"HTTP {(int)e.StatusCode} {e.ErrorCode}";

    private string Endpoint() => Settings.Endpoint is { } endpoint
        ? endpoint.GetLeftPart(UriPartial.Path).TrimEnd('/')
        : "AWS S3";

    private AmazonS3Config Config()
    {
        var config = new AmazonS3Config
        {
            ForcePathStyle = Settings.PathStyle,

            // Integrity is the engine's sha256 check; the SDK's default CRC trailers (aws-chunked uploads, checksum headers)
            // are not understood by every S3-compatible store, so they are sent and checked only where an API requires them.
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        };
        string region = ResolveRegion();
        if (Settings.Endpoint is { } endpoint)
        {
            config.ServiceURL = endpoint.AbsoluteUri;
            config.AuthenticationRegion = region;
        }
        else
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(region);
        }

        return config;
    }

    /// <summary>
    /// The setting, <c>AWS_REGION</c>, <c>AWS_DEFAULT_REGION</c>, the profile's region, else <see cref="S3Settings.DefaultRegion"/>.
    /// Read here rather than through the SDK's fallback chain, whose last step asks the EC2 instance metadata service.
    /// </summary>
    private string ResolveRegion()
    {
        if (Settings.Region is { } region)
        {
            return region;
        }

        foreach (string variable in new[] { "AWS_REGION", "AWS_DEFAULT_REGION" })
        {
            if (Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value)
            {
                return value.Trim();
            }
        }

        string profileName = Settings.Profile ?? Environment.GetEnvironmentVariable("AWS_PROFILE") ?? "default";
        return new CredentialProfileStoreChain().TryGetProfile(profileName, out var profile) && profile.Region is { } profileRegion
            ? profileRegion.SystemName
            : S3Settings.DefaultRegion;
    }

    private AWSCredentials Credentials()
    {
        if (Settings.Anonymous)
        {
            return new AnonymousAWSCredentials();
        }

        if (Settings.KeyVariables is { } keys)
        {
            string access = Variable(keys.AccessKey, S3Settings.AccessKeyEnvironmentVariableKey);
            string secret = Variable(keys.SecretKey, S3Settings.SecretKeyEnvironmentVariableKey);
            return keys.SessionToken is { } token
                ? new SessionAWSCredentials(access, secret, Variable(token, S3Settings.SessionTokenEnvironmentVariableKey))
                : new BasicAWSCredentials(access, secret);
        }

        if (Settings.Profile is { } profile)
        {
            return new CredentialProfileStoreChain().TryGetAWSCredentials(profile, out var fromProfile)
                ? fromProfile
                : throw NoCredentials($"the AWS profile '{profile}' (the {S3Settings.ProfileKey} setting) was not found in the shared AWS config or credentials file, or holds no credentials");
        }

        bool hasId = Environment.GetEnvironmentVariable("AWS_ACCESS_KEY_ID") is { Length: > 0 };
        bool hasSecret = Environment.GetEnvironmentVariable("AWS_SECRET_ACCESS_KEY") is { Length: > 0 };
        if (hasId != hasSecret)
        {
            throw NoCredentials(hasId ? "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not" : "AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not");
        }

        try
        {
            return DefaultAWSCredentialsIdentityResolver.GetCredentials(null);
        }
        catch (AmazonClientException)
        {
            throw NoCredentials("no AWS credentials were found: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN for temporary ones), "
                + $"AWS_PROFILE, or the source's {S3Settings.ProfileKey} or {S3Settings.AccessKeyEnvironmentVariableKey}/{S3Settings.SecretKeyEnvironmentVariableKey} settings "
                + $"({S3Settings.AnonymousKey}=true for a public bucket)");
        }
    }

    private static string Variable(string name, string setting) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } value
            ? value.Trim()
            : throw NoCredentials($"the environment variable {name} (named by the {setting} setting) is not set");

    private static AssetSourceException NoCredentials(string why) =>
        new(AssetDiagnosticIds.InvalidCredential, why + ".");

    /// <summary>Removes every credential value this store could have read from <paramref name="text"/>.</summary>
    private string Scrub(string text)
    {
        var names = new List<string> { "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN" };
        if (Settings.KeyVariables is { } keys)
        {
            names.AddRange(new[] { keys.AccessKey, keys.SecretKey, keys.SessionToken }.OfType<string>());
        }

        foreach (string name in names)
        {
            if (Environment.GetEnvironmentVariable(name) is { Length: >= 4 } secret)
            {
                text = text.Replace(secret, "REDACTED", StringComparison.Ordinal);
            }
        }

        return text;
    }
}
