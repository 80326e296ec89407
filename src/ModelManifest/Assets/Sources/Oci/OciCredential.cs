namespace ModelManifest.Assets;

/// <summary>
/// A registry login: user name and password (or an identity token, docker's OAuth2 refresh token), and where it came
/// from for messages. <see cref="ToString"/> names the origin only, never the secret.
/// </summary>
internal sealed class OciCredential(string username, string secret, string origin, bool isIdentityToken = false)
{
    /// <summary>The user name (<c>&lt;token&gt;</c> for identity tokens).</summary>
    public string Username { get; } = username;

    /// <summary>The password or identity token.</summary>
    public string Secret { get; } = secret;

    /// <summary>Whether <see cref="Secret"/> is an OAuth2 refresh token to exchange at the token service, not a password.</summary>
    public bool IsIdentityToken { get; } = isIdentityToken;

    /// <summary>Where the credential came from (a file, a helper, environment variables).</summary>
    public string Origin { get; } = origin;

    /// <summary>The <c>user:password</c> text of HTTP basic authentication.</summary>
    public string BasicValue => Username + ":" + Secret;

    /// <summary>Names the origin, never the secret.</summary>
    public override string ToString() => "credentials from " + Origin;
}
