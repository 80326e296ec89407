using System.Net.Http.Headers;
using System.Text.RegularExpressions;

namespace ModelManifest.Assets;

/// <summary>
/// A registry's <c>WWW-Authenticate</c> answer to a 401: <c>Bearer realm="…",service="…",scope="…"</c> (get a token from the
/// realm, the distribution spec's token flow) or <c>Basic realm="…"</c> (send the login itself).
/// </summary>
internal sealed partial record OciChallenge(string Scheme, IReadOnlyDictionary<string, string> Parameters)
{
    /// <summary>Whether the registry wants a bearer token from a token service.</summary>
    public bool IsBearer => Scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase);

    /// <summary>A parameter (<c>realm</c>, <c>service</c>, <c>scope</c>) or <see langword="null"/>.</summary>
    public string? this[string name] => Parameters.TryGetValue(name, out string? value) ? value : null;

    /// <summary>The challenge to answer: a bearer one when offered (it carries the scope), else a basic one; <see langword="null"/> when neither.</summary>
    public static OciChallenge? Select(HttpHeaderValueCollection<AuthenticationHeaderValue> headers)
    {
        var challenges = headers.Select(h => new OciChallenge(h.Scheme, ParseParameters(h.Parameter))).ToList();
        return challenges.FirstOrDefault(c => c.IsBearer && c["realm"] is not null)
            ?? challenges.FirstOrDefault(c => c.Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase));
    }

    private static Dictionary<string, string> ParseParameters(string? text)
    {
        var parameters = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (Match match in Parameter().Matches(text ?? string.Empty))
        {
            parameters[match.Groups["name"].Value] = match.Groups["quoted"].Success
                ? match.Groups["quoted"].Value.Replace("\\\"", "\"", StringComparison.Ordinal)
                : match.Groups["plain"].Value;
        }

        return parameters;
    }

    /// <summary><c>name="quoted value"</c> or <c>name=token</c>, comma separated (RFC 7235 auth-params).</summary>
    [GeneratedRegex(@"(?<name>[A-Za-z0-9_\-]+)\s*=\s*(?:""(?<quoted>(?:[^""\\]|\\.)*)""|(?<plain>[^,\s]*))", RegexOptions.CultureInvariant)]
    private static partial Regex Parameter();
}
