namespace ModelManifest.Sources.Azure;

/// <summary>
/// The parts of an Azure Storage connection string this package uses: account, key or SAS, and the blob endpoint
/// (<c>BlobEndpoint</c>, else built from <c>DefaultEndpointsProtocol</c>, <c>AccountName</c> and <c>EndpointSuffix</c>;
/// <c>UseDevelopmentStorage=true</c> is the local emulator's well-known account).
/// </summary>
internal sealed record AzureStorageConnectionString(string? AccountName, string? AccountKey, string? SharedAccessSignature, Uri? BlobEndpoint)
{
    /// <summary>The emulators' well-known development account (Azurite, the old storage emulator).</summary>
    public const string DevelopmentAccountName = "devstoreaccount1";

    /// <summary>The development account's published key (documented by Microsoft; not a secret).</summary>
    public const string DevelopmentAccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    /// <summary>Parses <paramref name="text"/>, or returns <see langword="null"/> with a <paramref name="problem"/> that never quotes the text.</summary>
    public static AzureStorageConnectionString? Parse(string text, out string? problem)
    {
        var parts = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (string pair in text.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            int equals = pair.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                problem = "it is not a list of key=value pairs separated by ';'";
                return null;
            }

            parts[pair[..equals].Trim()] = pair[(equals + 1)..].Trim();
        }

        if (parts.TryGetValue("UseDevelopmentStorage", out string? development) && development.Equals("true", StringComparison.OrdinalIgnoreCase))
        {
            problem = null;
            return new AzureStorageConnectionString(DevelopmentAccountName, DevelopmentAccountKey, null, new Uri("http://127.0.0.1:10000/" + DevelopmentAccountName));
        }

        parts.TryGetValue("AccountName", out string? account);
        parts.TryGetValue("AccountKey", out string? key);
        parts.TryGetValue("SharedAccessSignature", out string? sas);
        Uri? endpoint = null;
        if (parts.TryGetValue("BlobEndpoint", out string? blobEndpoint))
        {
            if (!Uri.TryCreate(blobEndpoint.TrimEnd('/'), UriKind.Absolute, out endpoint) || (endpoint.Scheme != Uri.UriSchemeHttp && endpoint.Scheme != Uri.UriSchemeHttps))
            {
                problem = "its BlobEndpoint is not an absolute http(s) URL";
                return null;
            }
        }
        else if (account is not null)
        {
            string protocol = parts.GetValueOrDefault("DefaultEndpointsProtocol", "https");
            string suffix = parts.GetValueOrDefault("EndpointSuffix", "core.windows.net");
            Uri.TryCreate($"{protocol}://{account}.blob.{suffix}", UriKind.Absolute, out endpoint);
        }

        if (string.IsNullOrEmpty(key) && string.IsNullOrEmpty(sas))
        {
            problem = "it has neither AccountKey nor SharedAccessSignature";
            return null;
        }

        if (!string.IsNullOrEmpty(key) && string.IsNullOrEmpty(account))
        {
            problem = "it has an AccountKey but no AccountName";
            return null;
        }

        problem = null;
        return new AzureStorageConnectionString(account?.ToLowerInvariant(), NullIfEmpty(key), NullIfEmpty(sas), endpoint);
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
