using System.Net;
using System.Text.RegularExpressions;
using ModelManifest.Assets;

namespace ModelManifest.Sources.S3;

/// <summary>
/// What an <c>s3://bucket/prefix</c> location and its settings (item metadata, configuration keys) say: the bucket, the
/// key prefix, the endpoint, the region, where credentials come from, path-style addressing and the layouts to probe.
/// Everything is checked when the source is created (an invalid location or setting is MM1015); credentials are only
/// <em>named</em> here (a profile, environment variables) and read when the first request is made.
/// </summary>
internal sealed partial class S3Settings
{
    /// <summary>A profile of the shared AWS config/credentials files, for credentials and region (instead of <c>AWS_PROFILE</c>).</summary>
    public const string ProfileKey = "Profile";

    /// <summary>The region (instead of <c>AWS_REGION</c>); also the signing region of a custom endpoint.</summary>
    public const string RegionKey = "Region";

    /// <summary>The endpoint URL of an S3-compatible store (instead of <c>AWS_ENDPOINT_URL_S3</c>/<c>AWS_ENDPOINT_URL</c>): a URL, never a secret.</summary>
    public const string EndpointKey = "Endpoint";

    /// <summary>The name of the environment variable holding the access key id.</summary>
    public const string AccessKeyEnvironmentVariableKey = "AccessKeyEnvironmentVariable";

    /// <summary>The name of the environment variable holding the secret access key.</summary>
    public const string SecretKeyEnvironmentVariableKey = "SecretKeyEnvironmentVariable";

    /// <summary>The name of the environment variable holding a session token (temporary credentials), optional.</summary>
    public const string SessionTokenEnvironmentVariableKey = "SessionTokenEnvironmentVariable";

    /// <summary>Path-style addressing (<c>endpoint/bucket/key</c>) instead of virtual-hosted (<c>bucket.endpoint/key</c>).</summary>
    public const string PathStyleKey = "PathStyle";

    /// <summary>Unsigned requests, for public buckets (as <c>aws --no-sign-request</c>).</summary>
    public const string AnonymousKey = "Anonymous";

    /// <summary>The layouts to probe, as <see cref="DirectoryLayout"/> names (comma-separated; default all).</summary>
    public const string LayoutKey = "Layout";

    /// <summary>The region used when neither a setting, <c>AWS_REGION</c>/<c>AWS_DEFAULT_REGION</c> nor the profile names one.</summary>
    public const string DefaultRegion = "us-east-1";

    private S3Settings(AssetSourceLocation location)
    {
        Location = location;
    }

    /// <summary>The location as given, for its settings and errors.</summary>
    public AssetSourceLocation Location { get; }

    /// <summary>The bucket.</summary>
    public string Bucket { get; private init; } = string.Empty;

    /// <summary>The key prefix without leading or trailing slash; empty for the bucket's root.</summary>
    public string Prefix { get; private init; } = string.Empty;

    /// <summary><c>s3://bucket/prefix</c>: the name of the source in messages (it never holds a credential).</summary>
    public string Name => Prefix.Length == 0 ? $"s3://{Bucket}" : $"s3://{Bucket}/{Prefix}";

    /// <summary>The endpoint of an S3-compatible store, or <see langword="null"/> for AWS itself.</summary>
    public Uri? Endpoint { get; private init; }

    /// <summary>Where <see cref="Endpoint"/> came from (a setting or a variable), for messages.</summary>
    public string? EndpointOrigin { get; private init; }

    /// <summary>The region named by the setting, or <see langword="null"/> to resolve it from the environment and profile.</summary>
    public string? Region { get; private init; }

    /// <summary>The profile named by the setting, or <see langword="null"/>.</summary>
    public string? Profile { get; private init; }

    /// <summary>The environment variables named for the access key, secret key and session token, or <see langword="null"/> for the SDK's chain.</summary>
    public (string AccessKey, string SecretKey, string? SessionToken)? KeyVariables { get; private init; }

    /// <summary>Whether requests are unsigned.</summary>
    public bool Anonymous { get; private init; }

    /// <summary>Whether path-style addressing is used: the setting, else automatic for IP-address and <c>localhost</c> endpoints.</summary>
    public bool PathStyle { get; private init; }

    /// <summary>The layouts to probe.</summary>
    public DirectoryLayout Layout { get; private init; } = DirectoryLayout.All;

    /// <summary>The full key of <paramref name="relative"/> below the prefix.</summary>
    public string Key(string relative) => Prefix.Length == 0 ? relative : Prefix + "/" + relative;

    /// <summary>The <c>s3://bucket/key</c> URL of a key, for messages.</summary>
    public string Url(string key) => $"s3://{Bucket}/{key}";

    /// <summary>Parses and checks a location and its settings.</summary>
    /// <exception cref="AssetException">MM1015: not an s3:// location, an inline secret, or an invalid setting.</exception>
    public static S3Settings Parse(AssetSourceLocation location)
    {
        var match = S3Url().Match(location.Text);
        if (!match.Success)
        {
            throw location.Invalid("is not an s3://bucket/prefix location");
        }

        string bucket = match.Groups["bucket"].Value;
        if (bucket.Contains('@', StringComparison.Ordinal))
        {
            throw location.Invalid("carries a credential in the URL; name environment variables with the "
                + $"{AccessKeyEnvironmentVariableKey} and {SecretKeyEnvironmentVariableKey} settings, or use AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or a profile");
        }

        if (match.Groups["rest"].Success)
        {
            throw location.Invalid("has a query string or fragment; an S3 location is s3://bucket/prefix and its options are settings");
        }

        if (!BucketName().IsMatch(bucket))
        {
            throw location.Invalid("names no valid bucket: write s3://bucket/prefix (a bucket name is 3-63 letters, digits, '.', '-' or '_')");
        }

        string prefix = match.Groups["path"].Value.Trim('/');
        if (prefix.Split('/').Any(s => s is "." or ".." || (s.Length == 0 && prefix.Length > 0)))
        {
            throw location.Invalid("has an empty, '.' or '..' segment in its prefix");
        }

        var (endpoint, origin) = ReadEndpoint(location);
        string? profile = location.GetSetting(ProfileKey);
        var keys = ReadKeyVariables(location);
        bool anonymous = location.GetBooleanSetting(AnonymousKey, false);
        if (anonymous && (keys is not null || profile is not null))
        {
            throw location.Invalid($"sets {AnonymousKey} together with credentials ({ProfileKey} or key environment variables); choose one");
        }

        return new S3Settings(location)
        {
            Bucket = bucket,
            Prefix = prefix,
            Endpoint = endpoint,
            EndpointOrigin = origin,
            Region = location.GetSetting(RegionKey),
            Profile = profile,
            KeyVariables = keys,
            Anonymous = anonymous,
            PathStyle = location.GetBooleanSetting(PathStyleKey, endpoint is not null && IsLocalOrAddress(endpoint)),
            Layout = ReadLayout(location),
        };
    }

    /// <summary>The endpoint: the setting, else <c>AWS_ENDPOINT_URL_S3</c>, else <c>AWS_ENDPOINT_URL</c>, else none (AWS).</summary>
    private static (Uri? Endpoint, string? Origin) ReadEndpoint(AssetSourceLocation location)
    {
        foreach (var (value, origin) in new[]
        {
            (location.GetSetting(EndpointKey), $"the {EndpointKey} setting"),
            (Environment.GetEnvironmentVariable("AWS_ENDPOINT_URL_S3"), "AWS_ENDPOINT_URL_S3"),
            (Environment.GetEnvironmentVariable("AWS_ENDPOINT_URL"), "AWS_ENDPOINT_URL"),
        })
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                continue;
            }

            // Never echo the value: a malformed one may still carry a secret.
            if (!Uri.TryCreate(value.Trim(), UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps) || url.Host.Length == 0)
            {
                throw location.Invalid($"has an endpoint in {origin} that is not an absolute http(s) URL");
            }

            if (url.UserInfo.Length > 0)
            {
                throw location.Invalid($"has an endpoint in {origin} that carries a credential (user info); name credentials with environment variables or a profile instead");
            }

            if (url.Query.Length > 0 || url.Fragment.Length > 0)
            {
                throw location.Invalid($"has an endpoint in {origin} with a query string or fragment; an endpoint is scheme://host[:port][/path]");
            }

            return (url, origin);
        }

        return (null, null);
    }

    private static (string, string, string?)? ReadKeyVariables(AssetSourceLocation location)
    {
        string? access = location.GetSetting(AccessKeyEnvironmentVariableKey);
        string? secret = location.GetSetting(SecretKeyEnvironmentVariableKey);
        string? session = location.GetSetting(SessionTokenEnvironmentVariableKey);
        if (access is null && secret is null)
        {
            return session is null ? null : throw location.Invalid($"sets {SessionTokenEnvironmentVariableKey} without {AccessKeyEnvironmentVariableKey} and {SecretKeyEnvironmentVariableKey}");
        }

        if (access is null || secret is null)
        {
            throw location.Invalid($"sets only one of {AccessKeyEnvironmentVariableKey} and {SecretKeyEnvironmentVariableKey}; name both");
        }

        foreach (string name in new[] { access, secret, session }.OfType<string>())
        {
            if (!VariableName().IsMatch(name))
            {
                // A value that is not a variable name may be the secret itself pasted in by mistake: never echo it.
                throw location.Invalid("names a credential environment variable that is not a valid variable name (letters, digits and '_'); the settings name variables, they never hold the keys");
            }
        }

        return (access, secret, session);
    }

    private static DirectoryLayout ReadLayout(AssetSourceLocation location)
    {
        if (location.GetSetting(LayoutKey) is not { } value)
        {
            return DirectoryLayout.All;
        }

        return Enum.TryParse(value, ignoreCase: true, out DirectoryLayout layout) && layout != 0 && (layout & ~DirectoryLayout.All) == 0
            ? layout
            : throw location.Invalid($"has {LayoutKey} '{value}', which is not one of {string.Join(", ", Enum.GetNames<DirectoryLayout>())}");
    }

    /// <summary>A self-hosted store on an address or on localhost has no per-bucket host names: path-style is the only addressing that works.</summary>
    private static bool IsLocalOrAddress(Uri endpoint) =>
        endpoint.IsLoopback || IPAddress.TryParse(endpoint.IdnHost, out _)
        || endpoint.IdnHost.Equals("localhost", StringComparison.OrdinalIgnoreCase)
        || endpoint.IdnHost.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase);

    [GeneratedRegex(@"^s3://(?<bucket>[^/?#]*)(?<path>/[^?#]*)?(?<rest>[?#].*)?$", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex S3Url();

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._\-]{1,62}$", RegexOptions.CultureInvariant)]
    private static partial Regex BucketName();

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_]*$", RegexOptions.CultureInvariant)]
    private static partial Regex VariableName();
}
