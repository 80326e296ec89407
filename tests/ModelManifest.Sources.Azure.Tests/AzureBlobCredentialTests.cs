namespace ModelManifest.Sources.Azure.Tests;

/// <summary>
/// Which credential the environment gives, in the documented order, with an environment of the test's own (no process
/// variables touched): connection string for this account, account + key, SAS token, then DefaultAzureCredential.
/// </summary>
public sealed class AzureBlobCredentialTests
{
    private const string Key = AzuriteServer.AccountKey;

    private static AzureBlobAccess Access(string text, Dictionary<string, string> environment, params (string Key, string Value)[] settings) =>
        AzureBlobAccess.Create(
            AzureBlobLocation.Parse(new AssetSourceLocation(text, "azblob", settings.ToDictionary(s => s.Key, s => s.Value), "/")),
            name => environment.GetValueOrDefault(name));

    [Fact]
    public void Connection_string_for_the_account_comes_first_and_sets_the_endpoint()
    {
        var access = Access("azblob://devstoreaccount1/models", new()
        {
            ["AZURE_STORAGE_CONNECTION_STRING"] = $"AccountName=devstoreaccount1;AccountKey={Key};BlobEndpoint=http://127.0.0.1:1234/devstoreaccount1",
            ["AZURE_STORAGE_ACCOUNT"] = "devstoreaccount1",
            ["AZURE_STORAGE_KEY"] = Key,
        });

        Assert.StartsWith("the connection string in AZURE_STORAGE_CONNECTION_STRING", access.Credential, StringComparison.Ordinal);
        Assert.Equal("http://127.0.0.1:1234/devstoreaccount1/models", access.Container.Uri.ToString());
    }

    [Fact]
    public void Development_storage_shortcut_is_the_local_emulator()
    {
        var access = Access("azblob://devstoreaccount1/models", new() { ["AZURE_STORAGE_CONNECTION_STRING"] = "UseDevelopmentStorage=true" });

        Assert.Equal("http://127.0.0.1:10000/devstoreaccount1/models", access.Container.Uri.ToString());
    }

    [Fact]
    public void Connection_string_for_another_account_is_passed_over_for_account_and_key()
    {
        var access = Access("azblob://acct/models", new()
        {
            ["AZURE_STORAGE_CONNECTION_STRING"] = $"AccountName=other;AccountKey={Key}",
            ["AZURE_STORAGE_ACCOUNT"] = "acct",
            ["AZURE_STORAGE_KEY"] = Key,
        });

        Assert.Equal("the shared key in AZURE_STORAGE_KEY", access.Credential);
        Assert.Equal("https://acct.blob.core.windows.net/models", access.Container.Uri.ToString());
    }

    [Fact]
    public void SAS_token_then_DefaultAzureCredential()
    {
        var sas = Access("azblob://acct/models", new() { ["AZURE_STORAGE_ACCOUNT"] = "other", ["AZURE_STORAGE_KEY"] = Key, ["AZURE_STORAGE_SAS_TOKEN"] = "?sv=1&sig=abc" });
        var chain = Access("azblob://acct/models", new());

        Assert.Equal("the SAS token in AZURE_STORAGE_SAS_TOKEN", sas.Credential);
        Assert.StartsWith("DefaultAzureCredential", chain.Credential, StringComparison.Ordinal);
    }

    [Fact]
    public void Settings_name_other_variables_and_Anonymous_sends_none()
    {
        var named = Access("azblob://acct/models", new() { ["TEAM_SAS"] = "sv=1&sig=abc", ["AZURE_STORAGE_SAS_TOKEN"] = "sv=2&sig=def" }, ("SasTokenEnvironmentVariable", "TEAM_SAS"));
        var anonymous = Access("azblob://acct/models", new() { ["AZURE_STORAGE_SAS_TOKEN"] = "sv=2&sig=def" }, ("Anonymous", "true"));

        Assert.Equal("the SAS token in TEAM_SAS", named.Credential);
        Assert.Equal("no credential (Anonymous)", anonymous.Credential);
    }

    [Theory]
    [InlineData("ConnectionStringEnvironmentVariable", "UNSET_VARIABLE", null, "UNSET_VARIABLE that ConnectionStringEnvironmentVariable names is not set")]
    [InlineData("ConnectionStringEnvironmentVariable", "CS", "AccountName=acct;AccountKey=not*base64!", "the connection string in CS is not a base64 account key")]
    [InlineData("ConnectionStringEnvironmentVariable", "CS", "just some text", "the connection string in CS is not usable")]
    [InlineData("ConnectionStringEnvironmentVariable", "CS", "AccountName=other;AccountKey=AAAA", "is for the account 'other'")]
    public void Unusable_credentials_are_MM1014_without_their_value(string setting, string variable, string? value, string problem)
    {
        var environment = value is null ? new Dictionary<string, string>() : new() { [variable] = value };

        var error = Assert.Throws<AssetSourceException>(() => Access("azblob://acct/models", environment, (setting, variable)));

        Assert.Equal(AssetDiagnosticIds.InvalidCredential, error.Code);
        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
        if (value is not null)
        {
            Assert.DoesNotContain(value, error.Message, StringComparison.Ordinal);
        }
    }
}
