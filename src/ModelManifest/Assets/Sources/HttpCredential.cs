using System.Net.Http.Headers;
using System.Text;

namespace ModelManifest.Assets;

/// <summary>
/// Credentials for <see cref="HttpAssetSource"/>: a bearer token or basic <c>user:password</c>, read from an environment
/// variable or produced by a token provider at request time. The value is never printed: not by
/// <see cref="ToString"/>, not in any message or exception.
/// </summary>
public sealed class HttpCredential
{
    private readonly string _scheme;
    private readonly string _origin;
    private readonly Func<CancellationToken, ValueTask<string?>> _provider;
    private volatile string? _lastValue;

    private HttpCredential(string scheme, string origin, Func<CancellationToken, ValueTask<string?>> provider)
    {
        _scheme = scheme;
        _origin = origin;
        _provider = provider;
    }

    /// <summary>A bearer token read from environment variable <paramref name="variable"/> on each request.</summary>
    public static HttpCredential BearerFromEnvironment(string variable) =>
        new("Bearer", "environment variable " + variable, _ => ValueTask.FromResult(Environment.GetEnvironmentVariable(variable)));

    /// <summary>Basic credentials (<c>user:password</c>) read from environment variable <paramref name="variable"/>.</summary>
    public static HttpCredential BasicFromEnvironment(string variable) =>
        new("Basic", "environment variable " + variable, _ => ValueTask.FromResult(Environment.GetEnvironmentVariable(variable)));

    /// <summary>A bearer token from <paramref name="tokenProvider"/>, called before each request (it may cache and refresh).</summary>
    public static HttpCredential Bearer(Func<CancellationToken, ValueTask<string?>> tokenProvider) =>
        new("Bearer", "token provider", tokenProvider ?? throw new ArgumentNullException(nameof(tokenProvider)));

    /// <summary>Describes where the credential comes from, never its value.</summary>
    public override string ToString() => $"{_scheme} credential from {_origin}";

    internal string? LastValue => _lastValue;

    internal async ValueTask<AuthenticationHeaderValue?> GetHeaderAsync(CancellationToken cancellationToken)
    {
        var value = await _provider(cancellationToken).ConfigureAwait(false);
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        _lastValue = value;
        var parameter = _scheme == "Basic" ? Convert.ToBase64String(Encoding.UTF8.GetBytes(value)) : value;
        return new AuthenticationHeaderValue(_scheme, parameter);
    }

    /// <summary>Every form in which the secret could appear in text, for scrubbing.</summary>
    internal IEnumerable<string?> SecretForms()
    {
        var value = _lastValue;
        yield return value;
        if (value is not null)
        {
            yield return Convert.ToBase64String(Encoding.UTF8.GetBytes(value));
        }
    }
}
