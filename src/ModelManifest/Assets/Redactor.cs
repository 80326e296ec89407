namespace ModelManifest.Assets;

/// <summary>Keeps secrets out of messages: URL user info and query strings (presigned signatures) are replaced.</summary>
internal static class Redactor
{
    /// <summary>Returns the URL with user info removed and any query replaced by <c>?REDACTED</c>.</summary>
    public static string Url(Uri uri)
    {
        if (!uri.IsAbsoluteUri)
        {
            return uri.OriginalString.Split('?')[0];
        }

        var builder = new UriBuilder(uri) { UserName = string.Empty, Password = string.Empty, Fragment = string.Empty };
        var hadQuery = builder.Query.Length > 0;
        builder.Query = string.Empty;
        var text = builder.Uri.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped);
        return hadQuery ? text + "?REDACTED" : text;
    }

    /// <summary>Removes every occurrence of each secret from <paramref name="text"/>.</summary>
    public static string Scrub(string text, IEnumerable<string?> secrets)
    {
        foreach (var secret in secrets)
        {
            if (!string.IsNullOrEmpty(secret) && secret.Length >= 4)
            {
                text = text.Replace(secret, "REDACTED", StringComparison.Ordinal);
            }
        }

        return text;
    }
}
