using Azure;
using Azure.Core;
using Azure.Identity;
using Azure.Storage;
using Azure.Storage.Blobs;
using ModelManifest.Assets;

namespace ModelManifest.Sources.Azure;

/// <summary>
/// A container client with the credential the environment provides, and the one mapping of Azure failures to the
/// engine's codes. Credentials are taken, first match wins, from: the connection string in
/// <c>AZURE_STORAGE_CONNECTION_STRING</c> (or the variable <c>ConnectionStringEnvironmentVariable</c> names) when it is
/// for the location's account; <c>AZURE_STORAGE_ACCOUNT</c> + <c>AZURE_STORAGE_KEY</c> (shared key) when the account is the
/// location's; the SAS token in <c>AZURE_STORAGE_SAS_TOKEN</c> (or the variable <c>SasTokenEnvironmentVariable</c> names);
/// else <see cref="DefaultAzureCredential"/>. <c>Anonymous=true</c> sends none.
/// </summary>
/// <remarks>Messages name the variable a credential came from, never its value; every secret is scrubbed from them too.</remarks>
internal sealed class AzureBlobAccess
{
    /// <summary>The conventional connection string variable.</summary>
    public const string ConnectionStringVariable = "AZURE_STORAGE_CONNECTION_STRING";

    /// <summary>The conventional account name variable (with <see cref="KeyVariable"/>).</summary>
    public const string AccountVariable = "AZURE_STORAGE_ACCOUNT";

    /// <summary>The conventional shared key variable (with <see cref="AccountVariable"/>).</summary>
    public const string KeyVariable = "AZURE_STORAGE_KEY";

    /// <summary>The conventional SAS token variable.</summary>
    public const string SasTokenVariable = "AZURE_STORAGE_SAS_TOKEN";

    private readonly string[] _secrets;

    private AzureBlobAccess(BlobContainerClient container, string credential, string[] secrets)
    {
        Container = container;
        Credential = credential;
        _secrets = secrets;
    }

    /// <summary>The container, authenticated.</summary>
    public BlobContainerClient Container { get; }

    /// <summary>What credential is used and where it came from (e.g. "the shared key in AZURE_STORAGE_KEY"), for messages.</summary>
    public string Credential { get; }

    /// <summary>Builds the client for <paramref name="location"/> from the credential the environment gives.</summary>
    /// <param name="location">The parsed location.</param>
    /// <param name="environment">Reads an environment variable (the process's; tests pass their own).</param>
    /// <exception cref="AssetSourceException"><see cref="AssetDiagnosticIds.InvalidCredential"/>: a named variable is unset, or a connection string or key is malformed.</exception>
    public static AzureBlobAccess Create(AzureBlobLocation location, Func<string, string?> environment)
    {
        var options = new BlobClientOptions();
        options.Diagnostics.ApplicationId = "ModelManifest";
        options.Diagnostics.IsLoggingContentEnabled = false;
        Uri DefaultService(Uri? fromCredential = null) =>
            location.ServiceUri ?? fromCredential ?? new Uri($"https://{location.Account}.blob.core.windows.net");
        BlobContainerClient Client(BlobServiceClient service) => service.GetBlobContainerClient(location.Container);

        if (location.Source.GetBooleanSetting(AzureBlobLocation.AnonymousKey, false))
        {
            return new(Client(new BlobServiceClient(DefaultService(), options)), "no credential (Anonymous)", []);
        }

        string? namedConnection = location.Source.GetSetting(AzureBlobLocation.ConnectionStringEnvironmentVariableKey);
        string connectionVariable = namedConnection ?? ConnectionStringVariable;
        if (Read(environment, connectionVariable, required: namedConnection is not null, AzureBlobLocation.ConnectionStringEnvironmentVariableKey) is { } text)
        {
            var parsed = AzureStorageConnectionString.Parse(text, out string? problem)
                ?? throw Invalid($"the connection string in {connectionVariable} is not usable: {problem}.");
            if (parsed.AccountName is null || parsed.AccountName == location.Account)
            {
                string from = $"the connection string in {connectionVariable}";
                Uri service = DefaultService(parsed.BlobEndpoint);
                string[] secrets = [text, parsed.AccountKey ?? string.Empty, parsed.SharedAccessSignature ?? string.Empty];
                return parsed.AccountKey is { } key
                    ? new(Client(new BlobServiceClient(service, SharedKey(location.Account, key, from), options)), from + " (shared key)", secrets)
                    : new(Client(new BlobServiceClient(service, new AzureSasCredential(parsed.SharedAccessSignature!.TrimStart('?')), options)), from + " (SAS)", secrets);
            }

            if (namedConnection is not null)
            {
                throw Invalid($"the connection string in {connectionVariable} is for the account '{parsed.AccountName}', the location names '{location.Account}'.");
            }
        }

        if (environment(AccountVariable) is { Length: > 0 } account && account.Equals(location.Account, StringComparison.OrdinalIgnoreCase)
            && environment(KeyVariable) is { Length: > 0 } sharedKey)
        {
            string from = $"the shared key in {KeyVariable}";
            return new(Client(new BlobServiceClient(DefaultService(), SharedKey(location.Account, sharedKey, from), options)), from, [sharedKey]);
        }

        string? namedSas = location.Source.GetSetting(AzureBlobLocation.SasTokenEnvironmentVariableKey);
        string sasVariable = namedSas ?? SasTokenVariable;
        if (Read(environment, sasVariable, required: namedSas is not null, AzureBlobLocation.SasTokenEnvironmentVariableKey) is { } sas)
        {
            return new(Client(new BlobServiceClient(DefaultService(), new AzureSasCredential(sas.TrimStart('?')), options)), $"the SAS token in {sasVariable}", [sas, sas.TrimStart('?')]);
        }

        TokenCredential chain = new DefaultAzureCredential();
        return new(Client(new BlobServiceClient(DefaultService(), chain, options)), "DefaultAzureCredential (no AZURE_STORAGE_* variable applies)", []);
    }

    /// <summary>Maps a failure while <paramref name="doing"/> something to the engine's codes; the message holds no secret.</summary>
    public AssetSourceException Fail(Exception exception, string doing)
    {
        (string code, string message, bool transient) = exception switch
        {
            RequestFailedException { Status: 401 or 403 } e =>
                (AssetDiagnosticIds.InvalidCredential, $"access denied (HTTP {e.Status} {e.ErrorCode}) while {doing}, using {Credential}: check the credential and its permissions on container '{Container.Name}'.", false),
            RequestFailedException { Status: 404 } e =>
                (AssetDiagnosticIds.NotInSource, $"{e.ErrorCode ?? "HTTP 404"} while {doing}.", false),
            RequestFailedException { Status: 0 } e =>
                (AssetDiagnosticIds.TransportError, $"cannot reach {Container.Uri.GetLeftPart(UriPartial.Authority)} while {doing}: {e.InnerException?.Message ?? e.Message}", true),
            RequestFailedException e =>
                (AssetDiagnosticIds.TransportError, $"HTTP {e.Status} {e.ErrorCode} while {doing}.", e.Status is 408 or 429 or >= 500),
            AuthenticationFailedException or CredentialUnavailableException =>
                (AssetDiagnosticIds.InvalidCredential, $"no usable credential while {doing}: {Credential} found none ({FirstLine(exception.Message)}); set {ConnectionStringVariable}, {AccountVariable} and {KeyVariable}, or {SasTokenVariable}.", false),
            AggregateException e =>
                (AssetDiagnosticIds.TransportError, $"cannot reach {Container.Uri.GetLeftPart(UriPartial.Authority)} while {doing}: {FirstLine(e.InnerExceptions.LastOrDefault()?.Message ?? e.Message)}", true),
            _ => (AssetDiagnosticIds.TransportError, $"{exception.GetType().Name} while {doing}: {FirstLine(exception.Message)}", false),
        };
        return new AssetSourceException(code, Scrub(message), transient);
    }

    /// <summary>Removes every secret this access holds from <paramref name="text"/>.</summary>
    public string Scrub(string text)
    {
        foreach (string secret in _secrets)
        {
            if (secret.Length >= 4)
            {
                text = text.Replace(secret, "REDACTED", StringComparison.Ordinal);
            }
        }

        return text;
    }

    private static string? Read(Func<string, string?> environment, string variable, bool required, string setting)
    {
        string? value = environment(variable)?.Trim();
        if (string.IsNullOrEmpty(value))
        {
            return required ? throw Invalid($"the environment variable {variable} that {setting} names is not set.") : null;
        }

        return value;
    }

    private static StorageSharedKeyCredential SharedKey(string account, string key, string from)
    {
        try
        {
            _ = Convert.FromBase64String(key);
            return new StorageSharedKeyCredential(account, key);
        }
        catch (FormatException)
        {
            throw Invalid($"{from} is not a base64 account key.");
        }
    }

    private static string FirstLine(string text) => text.Split('\n', 2)[0].Trim();

    private static AssetSourceException Invalid(string message) => new(AssetDiagnosticIds.InvalidCredential, message);
}
