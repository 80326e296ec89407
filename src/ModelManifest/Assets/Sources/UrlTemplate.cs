namespace ModelManifest.Assets;

/// <summary>A validated HTTP path template (<c>{id}/{tag}/{fileName}</c>) and its expansion below a base URL.</summary>
internal sealed class UrlTemplate
{
    private static readonly string[] s_tokens = ["{id}", "{tag}", "{fileName}", "{sha256}"];
    private readonly string _template;

    public UrlTemplate(string template)
    {
        var problem = FindProblem(template);
        if (problem is not null)
        {
            throw new AssetException(AssetDiagnosticIds.InvalidUrlTemplate, $"The path template '{AssetValidator.Printable(template)}' is rejected: {problem}.");
        }

        _template = template;
    }

    /// <summary>Expands the template for <paramref name="asset"/> below <paramref name="baseUrl"/> and proves the result stays below it.</summary>
    public Uri Expand(Uri baseUrl, AssetInfo asset)
    {
        var segments = _template.Split('/')
            .Select(segment => segment
                .Replace("{id}", Uri.EscapeDataString(asset.Id), StringComparison.Ordinal)
                .Replace("{tag}", Uri.EscapeDataString(asset.Tag ?? string.Empty), StringComparison.Ordinal)
                .Replace("{fileName}", Uri.EscapeDataString(asset.FileName), StringComparison.Ordinal)
                .Replace("{sha256}", asset.Sha256, StringComparison.Ordinal))
            .Where(segment => segment.Length > 0);
        var root = baseUrl.AbsoluteUri.EndsWith('/') ? baseUrl : new Uri(baseUrl.AbsoluteUri + "/");
        var url = new Uri(root, string.Join('/', segments));
        if (!url.AbsoluteUri.StartsWith(root.AbsoluteUri, StringComparison.Ordinal))
        {
            throw new AssetException(AssetDiagnosticIds.InvalidUrlTemplate, $"Asset '{asset.Key}' would expand to a URL outside the base URL.");
        }

        return url;
    }

    private static string? FindProblem(string? template)
    {
        if (string.IsNullOrWhiteSpace(template) || template.Length > 1024)
        {
            return "it must be 1-1024 characters";
        }

        if (template.Any(char.IsControl) || template.IndexOfAny(['\\', '?', '#', '%', ':', ' ']) >= 0)
        {
            return "it may not contain control characters, '\\', '?', '#', '%', ':' or spaces";
        }

        if (template.StartsWith('/'))
        {
            return "it must be relative to the base URL";
        }

        var segments = template.Split('/');
        if (segments.Any(s => s is "." or ".."))
        {
            return "it may not contain '.' or '..' segments";
        }

        var literal = template;
        foreach (var token in s_tokens)
        {
            literal = literal.Replace(token, string.Empty, StringComparison.Ordinal);
        }

        if (literal.IndexOfAny(['{', '}']) >= 0)
        {
            return "the only tokens are {id}, {tag}, {fileName} and {sha256}";
        }

        return template.Contains("{fileName}", StringComparison.Ordinal) || template.Contains("{sha256}", StringComparison.Ordinal)
            ? null
            : "it must contain {fileName} or {sha256}";
    }
}
