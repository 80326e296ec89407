using System.Text;
using ModelManifest.Assets.Tests.Infrastructure;

namespace ModelManifest.Assets.Tests;

/// <summary>The one factory that turns a location (CLI <c>--source</c>, MSBuild item, configuration) into a source.</summary>
public sealed class AssetSourceFactoryTests : LoopbackTestBase
{
    private readonly string _variable = "MM_TEST_SOURCE_SECRET_" + Guid.NewGuid().ToString("N")[..8];

    public override async Task DisposeAsync()
    {
        Environment.SetEnvironmentVariable(_variable, null);
        await base.DisposeAsync();
    }

    [Fact]
    public async Task An_http_location_without_a_trailing_slash_downloads_below_it_with_the_path_template_setting()
    {
        var content = TestContent.Bytes(3000, 301);
        var asset = TestFiles.Asset(content);
        Server.Add("mirror/flat/" + asset.FileName, content);
        string location = Server.BaseUrl + "mirror/flat";

        using var source = (HttpAssetSource)AssetSourceFactory.Create(location, Settings(("PathTemplate", "{fileName}")));
        Engine.Manager.AddSource(source);
        var result = await Engine.Manager.GetAsync(asset);

        Assert.Equal(content, File.ReadAllBytes(result.CachePath));
        Assert.Equal("http:" + location + "/", source.Name);
    }

    [Fact]
    public async Task The_token_setting_sends_the_bearer_token_from_that_environment_variable()
    {
        Environment.SetEnvironmentVariable(_variable, "tok-factory-91");
        var content = TestContent.Bytes(1000, 302);
        var asset = TestFiles.Asset(content);
        Server.Add(asset.Id + "/" + asset.FileName, content).RequiredAuthorization = "Bearer tok-factory-91";

        using var source = (HttpAssetSource)AssetSourceFactory.Create(Server.BaseUrl.ToString(), Settings(("tokenenvironmentvariable", _variable)));
        Engine.Manager.AddSource(source);
        var result = await Engine.Manager.GetAsync(asset);

        Assert.Equal(content, File.ReadAllBytes(result.CachePath));
    }

    [Fact]
    public async Task The_basic_auth_setting_sends_user_and_password_from_that_environment_variable()
    {
        Environment.SetEnvironmentVariable(_variable, "reader:pa55");
        var content = TestContent.Bytes(1000, 303);
        var asset = TestFiles.Asset(content);
        Server.Add(asset.FileName, content).RequiredAuthorization = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("reader:pa55"));

        using var source = (HttpAssetSource)AssetSourceFactory.Create(Server.BaseUrl.ToString(),
            Settings(("PathTemplate", "{fileName}"), ("BasicAuthEnvironmentVariable", _variable), ("TokenEnvironmentVariable", "")));
        Engine.Manager.AddSource(source);

        Assert.Equal(content, File.ReadAllBytes((await Engine.Manager.GetAsync(asset)).CachePath));
    }

    [Theory]
    [InlineData("https://models.example.invalid/team")]
    [InlineData("HTTPS://models.example.invalid/team/")]
    public void An_https_location_is_an_http_source_and_opens_no_connection_until_asked(string location)
    {
        using var source = Assert.IsType<HttpAssetSource>(AssetSourceFactory.Create(location));

        Assert.Equal("http:https://models.example.invalid/team/", source.Name);
        Assert.True(((IAssetSource)source).RequiresNetwork);
    }

    [Fact]
    public void An_absolute_folder_a_relative_folder_and_a_file_url_are_folder_sources_at_the_same_root()
    {
        var root = Engine.Dir.Sub("mirror");

        var absolute = Assert.IsType<DirectoryAssetSource>(AssetSourceFactory.Create(root));
        var relative = Assert.IsType<DirectoryAssetSource>(AssetSourceFactory.Create("mirror", null, Engine.Dir.Path));
        var dotted = Assert.IsType<DirectoryAssetSource>(AssetSourceFactory.Create("./x/../mirror/", null, Engine.Dir.Path));
        var fileUrl = Assert.IsType<DirectoryAssetSource>(AssetSourceFactory.Create(new Uri(root).AbsoluteUri));

        Assert.Equal(root, absolute.Root);
        Assert.Equal(root, relative.Root);
        Assert.Equal(root, dotted.Root.TrimEnd(Path.DirectorySeparatorChar));
        Assert.Equal(root, fileUrl.Root);
    }

    [Fact]
    public void A_folder_whose_name_has_a_colon_is_reachable_with_a_dot_slash_prefix()
    {
        var source = Assert.IsType<DirectoryAssetSource>(AssetSourceFactory.Create("./team:models", null, Engine.Dir.Path));

        Assert.Equal(Path.Combine(Engine.Dir.Path, "team:models"), source.Root);
    }

    [Fact]
    public void The_layout_setting_restricts_a_folder_to_those_layouts()
    {
        var content = TestContent.Bytes(500, 304);
        var asset = TestFiles.Asset(content);
        var root = Engine.Dir.Sub("flat");
        File.WriteAllBytes(Path.Combine(root, asset.FileName), content);

        var all = (DirectoryAssetSource)AssetSourceFactory.Create(root, Settings(("Layout", "")));
        var shaOnly = (DirectoryAssetSource)AssetSourceFactory.Create(root, Settings(("layout", "Sha256")));
        var both = (DirectoryAssetSource)AssetSourceFactory.Create(root, Settings(("Layout", "Sha256, FileName"), ("Priority", "3")));

        Assert.NotNull(all.Locate(asset));
        Assert.Null(shaOnly.Locate(asset));
        Assert.NotNull(both.Locate(asset));
    }

    [Fact]
    public async Task A_folder_that_does_not_exist_is_accepted_and_then_named_in_the_not_found_error()
    {
        string missing = Path.Combine(Engine.Dir.Path, "not-mounted-yet");
        var asset = TestFiles.Asset(TestContent.Bytes(100, 305));

        Engine.Manager.AddSource(AssetSourceFactory.Create(missing));
        var error = await Assert.ThrowsAsync<AssetException>(() => Engine.Manager.GetAsync(asset));

        Assert.Equal(AssetDiagnosticIds.NotFoundInAnySource, error.Code);
        Assert.Contains(missing, error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(missing));
    }

    [Theory]
    [InlineData("s3://bucket/models", "ModelManifest.Sources.S3")]
    [InlineData("azblob://account/container", "ModelManifest.Sources.Azure")]
    public void A_cloud_scheme_without_its_package_says_which_package_to_add(string location, string package)
    {
        // This test project references neither optional package, so their assemblies cannot load here.
        var error = Assert.Throws<AssetException>(() => AssetSourceFactory.Create(location));

        Assert.Equal(AssetDiagnosticIds.InvalidSourceLocation, error.Code);
        Assert.Contains($"<PackageReference Include=\"{package}\" />", error.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("htp://mirror.example/models", "'htp:'")]
    [InlineData("ftp://mirror.example/models", "'ftp:'")]
    [InlineData("http:/mirror.example/models", "missing '//'")]
    [InlineData("https:mirror.example", "missing '//'")]
    [InlineData("http://", "not a valid URL")]
    [InlineData("file://server/share", "absolute file URL")]
    [InlineData("   ", "is empty")]
    public void A_location_that_is_no_supported_form_is_a_clean_error_never_a_folder(string location, string problem)
    {
        using var dir = new TempDir();
        var error = Assert.Throws<AssetException>(() => AssetSourceFactory.Create(location, null, dir.Path));

        Assert.Equal(AssetDiagnosticIds.InvalidSourceLocation, error.Code);
        Assert.StartsWith(AssetDiagnosticIds.InvalidSourceLocation + ": The source location '" + location.Trim() + "'", error.Message, StringComparison.Ordinal);
        Assert.Contains(problem, error.Reason, StringComparison.Ordinal);
        Assert.Contains("http://host/path", error.Reason, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(dir.Path));
    }

    [Fact]
    public void An_unknown_layout_is_a_clean_error_that_lists_the_layouts()
    {
        var error = Assert.Throws<AssetException>(() => AssetSourceFactory.Create(Engine.Dir.Path, Settings(("Layout", "Nested"))));

        Assert.Equal(AssetDiagnosticIds.InvalidSourceLocation, error.Code);
        Assert.Contains("Layout 'Nested'", error.Reason, StringComparison.Ordinal);
        Assert.Contains("IdTagFileName", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_rejected_location_never_prints_user_info_or_a_query_signature()
    {
        var error = Assert.Throws<AssetException>(() => AssetSourceFactory.Create("s3://AKIAKEY:s3cr3t-pass@bucket/models?X-Amz-Signature=5ig9a7ure"));

        Assert.DoesNotContain("s3cr3t-pass", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("AKIAKEY", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("5ig9a7ure", error.Message, StringComparison.Ordinal);
        Assert.Contains("s3://bucket/models?REDACTED", error.Message, StringComparison.Ordinal);
    }

    private static Dictionary<string, string> Settings(params (string Key, string Value)[] pairs) =>
        pairs.ToDictionary(p => p.Key, p => p.Value);
}
