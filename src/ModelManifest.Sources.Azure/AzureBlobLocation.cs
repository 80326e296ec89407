using System.Text.RegularExpressions;
using ModelManifest.Assets;

namespace ModelManifest.Sources.Azure;

/// <summary>
/// An Azure Blob Storage location taken apart: the storage account, the container, the blob-name prefix below it, the
/// service URL (when the location or a setting fixes it) and the settings that say where credentials come from.
/// </summary>
/// <remarks>
/// <para>Forms: <c>azblob://account/container/prefix</c>; <c>https://account.blob.core.windows.net/container/prefix</c>
/// (any <c>&lt;account&gt;.blob.&lt;suffix&gt;</c> host, so sovereign clouds too); and, with <c>Kind=azblob</c>, a path-style
/// emulator URL such as Azurite's <c>http://127.0.0.1:10000/devstoreaccount1/container/prefix</c>.</para>
/// <para>A location never carries a credential: a query (a SAS token pasted into the URL) is refused, not used, and the
/// location is printed through <see cref="AssetSourceLocation.Printable"/>, which redacts it. Tokens come from the
/// environment (see <see cref="AzureBlobAccess"/>).</para>
/// </remarks>
internal sealed partial class AzureBlobLocation
{
    /// <summary>The blob service URL (e.g. Azurite's <c>http://127.0.0.1:10000/devstoreaccount1</c>); alias <see cref="EndpointKey"/>.</summary>
    public const string ServiceUriKey = "ServiceUri";

    /// <summary>Alias of <see cref="ServiceUriKey"/>.</summary>
    public const string EndpointKey = "Endpoint";

    /// <summary>Names the environment variable holding a connection string (instead of <c>AZURE_STORAGE_CONNECTION_STRING</c>).</summary>
    public const string ConnectionStringEnvironmentVariableKey = "ConnectionStringEnvironmentVariable";

    /// <summary>Names the environment variable holding a SAS token (instead of <c>AZURE_STORAGE_SAS_TOKEN</c>).</summary>
    public const string SasTokenEnvironmentVariableKey = "SasTokenEnvironmentVariable";

    /// <summary><c>true</c>: no credential at all (a container with public read access).</summary>
    public const string AnonymousKey = "Anonymous";

    /// <summary>Blob layouts, as for folders: a comma-separated list of <see cref="DirectoryLayout"/> names.</summary>
    public const string LayoutKey = "Layout";

    private AzureBlobLocation(AssetSourceLocation source, string account, string container, string prefix, Uri? serviceUri, DirectoryLayout layout)
    {
        Source = source;
        Account = account;
        Container = container;
        Prefix = prefix;
        ServiceUri = serviceUri;
        Layout = layout;
    }

    /// <summary>The location as the user wrote it, with its settings.</summary>
    public AssetSourceLocation Source { get; }

    /// <summary>The storage account name (lower case).</summary>
    public string Account { get; }

    /// <summary>The container name.</summary>
    public string Container { get; }

    /// <summary>The blob-name prefix: empty, or ending with '/'.</summary>
    public string Prefix { get; }

    /// <summary>The service URL fixed by the location or a setting, or <see langword="null"/> (then the credential's or the public cloud's).</summary>
    public Uri? ServiceUri { get; }

    /// <summary>The layouts blobs are looked up in.</summary>
    public DirectoryLayout Layout { get; }

    /// <summary>The location for messages (never a credential).</summary>
    public string Printable => Source.Printable;

    /// <summary>Parses <paramref name="source"/>; throws the <see cref="AssetDiagnosticIds.InvalidSourceLocation"/> error when it is not an Azure Blob location.</summary>
    public static AzureBlobLocation Parse(AssetSourceLocation source)
    {
        string text = source.Text;
        if (text.Contains('?', StringComparison.Ordinal) || text.Contains('#', StringComparison.Ordinal))
        {
            throw source.Invalid("carries a query or fragment (a SAS token?): credentials are never taken from a location; "
                + $"put the SAS token in AZURE_STORAGE_SAS_TOKEN or in the variable that the {SasTokenEnvironmentVariableKey} setting names");
        }

        if (!Uri.TryCreate(text, UriKind.Absolute, out Uri? url) || url.Host.Length == 0)
        {
            throw Invalid(source, "is not a valid URL");
        }

        // Uri folds "a/../b" away: check the text as written, so '..' can never step into another container.
        if (text.Split("://", 2)[^1].Split('/').Skip(1).Select(Uri.UnescapeDataString).Any(s => s is "." or ".."))
        {
            throw Invalid(source, "has a '.' or '..' segment");
        }

        if (url.UserInfo.Length > 0)
        {
            throw Invalid(source, "has a user name: credentials come from environment variables");
        }

        var segments = url.AbsolutePath.Split('/').Skip(1).Select(Uri.UnescapeDataString).ToList();
        if (segments.Count > 0 && segments[^1].Length == 0)
        {
            segments.RemoveAt(segments.Count - 1);
        }

        string account;
        Uri? serviceUri = null;
        if (url.Scheme.Equals("azblob", StringComparison.OrdinalIgnoreCase))
        {
            if (!url.IsDefaultPort)
            {
                throw Invalid(source, "has a port: an azblob:// location names an account; set ServiceUri for an emulator");
            }

            account = url.Host;
        }
        else if (url.Scheme == Uri.UriSchemeHttps || url.Scheme == Uri.UriSchemeHttp)
        {
            var host = AccountHost().Match(url.Host);
            if (host.Success)
            {
                account = host.Groups["account"].Value;
                serviceUri = new Uri(url.GetLeftPart(UriPartial.Authority));
            }
            else
            {
                // Path-style (emulators such as Azurite, IP addresses): the account is the first path segment.
                if (segments.Count == 0)
                {
                    throw Invalid(source, "names no account: a path-style URL is http://host:port/account/container/prefix");
                }

                account = segments[0];
                segments.RemoveAt(0);
                serviceUri = new Uri(url.GetLeftPart(UriPartial.Authority) + "/" + account);
            }
        }
        else
        {
            throw Invalid(source, $"is not an azblob:// or http(s):// URL");
        }

        account = account.ToLowerInvariant();
        if (!AccountName().IsMatch(account))
        {
            throw Invalid(source, $"names the account '{account}', which is not 3-24 lower-case letters and digits");
        }

        if (segments.Count == 0)
        {
            throw Invalid(source, "names no container");
        }

        string container = segments[0];
        if (!ContainerName().IsMatch(container) || container.Contains("--", StringComparison.Ordinal))
        {
            throw Invalid(source, $"names the container '{container}', which is not 3-63 lower-case letters, digits and single hyphens");
        }

        var prefixSegments = segments.Skip(1).ToList();
        if (prefixSegments.Any(s => s.Length == 0))
        {
            throw Invalid(source, "has an empty segment in its prefix");
        }

        string prefix = prefixSegments.Count == 0 ? string.Empty : string.Join('/', prefixSegments) + "/";
        if ((source.GetSetting(ServiceUriKey) ?? source.GetSetting(EndpointKey)) is { } explicitService)
        {
            if (!Uri.TryCreate(explicitService.TrimEnd('/'), UriKind.Absolute, out serviceUri)
                || (serviceUri.Scheme != Uri.UriSchemeHttp && serviceUri.Scheme != Uri.UriSchemeHttps) || serviceUri.Query.Length > 0 || serviceUri.UserInfo.Length > 0)
            {
                throw Invalid(source, $"has {ServiceUriKey} that is not an absolute http(s) URL without query or user name");
            }
        }

        var layout = DirectoryLayout.All;
        if (source.GetSetting(LayoutKey) is { } value && !Enum.TryParse(value, ignoreCase: true, out layout))
        {
            throw Invalid(source, $"has {LayoutKey} '{value}', which is not one of {string.Join(", ", Enum.GetNames<DirectoryLayout>())}");
        }

        return new AzureBlobLocation(source, account, container, prefix, serviceUri, layout);
    }

    /// <summary>The blob names that may hold <paramref name="asset"/>, in <see cref="DirectoryLayout"/> order.</summary>
    public IEnumerable<string> BlobNames(AssetInfo asset) => BlobNames(asset, Layout);

    /// <summary>The blob names of <paramref name="asset"/> in <paramref name="layout"/>, in <see cref="DirectoryLayout"/> order.</summary>
    public IEnumerable<string> BlobNames(AssetInfo asset, DirectoryLayout layout)
    {
        AssetValidator.Validate(asset);
        if (layout.HasFlag(DirectoryLayout.FileName))
        {
            yield return Prefix + asset.FileName;
        }

        if (layout.HasFlag(DirectoryLayout.IdTagFileName))
        {
            yield return asset.Tag is null ? $"{Prefix}{asset.Id}/{asset.FileName}" : $"{Prefix}{asset.Id}/{asset.Tag}/{asset.FileName}";
        }

        if (layout.HasFlag(DirectoryLayout.Sha256))
        {
            yield return $"{Prefix}sha256/{asset.Sha256}";
        }
    }

    private static AssetException Invalid(AssetSourceLocation source, string problem) =>
        source.Invalid($"{problem}. An Azure Blob location is azblob://account/container/prefix or https://account.blob.core.windows.net/container/prefix");

    /// <summary><c>&lt;account&gt;.blob.&lt;suffix&gt;</c>: the public cloud's and the sovereign clouds' virtual-host form.</summary>
    [GeneratedRegex(@"^(?<account>[A-Za-z0-9]+)\.blob\.[A-Za-z0-9.\-]+$", RegexOptions.CultureInvariant)]
    private static partial Regex AccountHost();

    [GeneratedRegex(@"^[a-z0-9]{3,24}$", RegexOptions.CultureInvariant)]
    private static partial Regex AccountName();

    [GeneratedRegex(@"^(?:[a-z0-9][a-z0-9\-]{1,61}[a-z0-9]|\$root)$", RegexOptions.CultureInvariant)]
    private static partial Regex ContainerName();
}
