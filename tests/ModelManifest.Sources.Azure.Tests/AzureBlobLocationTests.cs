namespace ModelManifest.Sources.Azure.Tests;

/// <summary>Location forms, their errors (redacted), and the https form reaching this provider through the one factory.</summary>
public sealed class AzureBlobLocationTests
{
    private static AzureBlobLocation Parse(string text, params (string Key, string Value)[] settings) =>
        AzureBlobLocation.Parse(new AssetSourceLocation(text, text.Split(':')[0], settings.ToDictionary(s => s.Key, s => s.Value), "/"));

    [Theory]
    [InlineData("azblob://acct/models", "acct", "models", "", null)]
    [InlineData("azblob://Acct/models/team/v1/", "acct", "models", "team/v1/", null)]
    [InlineData("https://acct.blob.core.windows.net/models/team", "acct", "models", "team/", "https://acct.blob.core.windows.net/")]
    [InlineData("https://acct.blob.core.chinacloudapi.cn/models", "acct", "models", "", "https://acct.blob.core.chinacloudapi.cn/")]
    [InlineData("http://127.0.0.1:10000/devstoreaccount1/models/a%20b", "devstoreaccount1", "models", "a b/", "http://127.0.0.1:10000/devstoreaccount1")]
    public void Forms_name_account_container_prefix_and_service(string text, string account, string container, string prefix, string? service)
    {
        var location = Parse(text);

        Assert.Equal((account, container, prefix, service), (location.Account, location.Container, location.Prefix, location.ServiceUri?.ToString()));
    }

    [Fact]
    public void ServiceUri_or_Endpoint_setting_decides_the_service()
    {
        Assert.Equal("http://127.0.0.1:10000/devstoreaccount1", Parse("azblob://devstoreaccount1/models", ("ServiceUri", "http://127.0.0.1:10000/devstoreaccount1/")).ServiceUri!.ToString());
        Assert.Equal("http://localhost:9/x", Parse("azblob://devstoreaccount1/models", ("Endpoint", "http://localhost:9/x")).ServiceUri!.ToString());
    }

    [Theory]
    [InlineData("azblob://acct", "names no container")]
    [InlineData("azblob://acct/Models", "names the container 'Models'")]
    [InlineData("azblob://acct/a--b", "names the container 'a--b'")]
    [InlineData("azblob://a/models", "names the account 'a'")]
    [InlineData("azblob://acct:444/models", "has a port")]
    [InlineData("azblob://acct/models/x/../y", "'..' segment")]
    [InlineData("azblob://acct/models/../other", "'..' segment")]
    [InlineData("azblob://acct/models/a//b", "empty segment")]
    [InlineData("ftp://acct/models", "is not an azblob:// or http(s):// URL")]
    public void Malformed_locations_are_MM1015(string text, string problem)
    {
        var error = Assert.Throws<AssetException>(() => Parse(text));

        Assert.Equal(AssetDiagnosticIds.InvalidSourceLocation, error.Code);
        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Inline_SAS_token_is_refused_and_never_printed()
    {
        const string Signature = "sig=c2VjcmV0LXNpZ25hdHVyZQ%3D%3D";
        var error = Assert.Throws<AssetException>(() => AssetSourceFactory.Create($"azblob://acct/models/team?sv=2024-01-01&{Signature}"));

        Assert.Equal(AssetDiagnosticIds.InvalidSourceLocation, error.Code);
        Assert.Contains("AZURE_STORAGE_SAS_TOKEN", error.Message, StringComparison.Ordinal);
        Assert.Contains("azblob://acct/models/team?REDACTED", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("c2VjcmV0", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Https_blob_host_is_built_by_the_azure_provider_and_other_https_stays_http()
    {
        var azure = AssetSourceFactory.Create("https://acct.blob.core.windows.net/models/team");
        var plain = AssetSourceFactory.Create("https://models.example.com/team/");

        Assert.IsType<AzureBlobAssetSource>(azure);
        Assert.Equal("https://acct.blob.core.windows.net/models/team", azure.Name);
        Assert.IsType<HttpAssetSource>(plain);
        Assert.IsType<AzureBlobPushTarget>(AssetSourceFactory.CreatePushTarget("https://acct.blob.core.windows.net/models/team"));
    }

    [Fact]
    public void Kind_azblob_reads_a_path_style_emulator_url()
    {
        var source = AssetSourceFactory.Create("http://127.0.0.1:10000/devstoreaccount1/models/team", new Dictionary<string, string> { ["Kind"] = "azblob" });

        Assert.IsType<AzureBlobAssetSource>(source);
    }

    [Theory]
    [InlineData("Sha256", "p/sha256/{sha}")]
    [InlineData("FileName,IdTagFileName", "p/w.bin|p/w/fp16/w.bin")]
    public void Layout_setting_chooses_blob_names_like_a_folder(string layout, string expected)
    {
        var asset = new AssetInfo { Id = "w", Tag = "fp16", FileName = "w.bin", Size = 1, Sha256 = new string('a', 64) };

        var names = Parse("azblob://acct/models/p", ("Layout", layout)).BlobNames(asset);

        Assert.Equal(expected.Replace("{sha}", asset.Sha256, StringComparison.Ordinal), string.Join('|', names));
    }
}
