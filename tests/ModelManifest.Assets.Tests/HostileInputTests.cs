using ModelManifest.Assets.Tests.Infrastructure;

namespace ModelManifest.Assets.Tests;

public sealed class HostileInputTests : LoopbackTestBase
{
    public static TheoryData<string, string?, string> HostileAssets() => new()
    {
        { "..", null, "ok.bin" },
        { "../escape", null, "ok.bin" },
        { "/etc", null, "ok.bin" },
        { "a/b", null, "ok.bin" },
        { "a\\b", null, "ok.bin" },
        { "a\0b", null, "ok.bin" },
        { new string('a', 201), null, "ok.bin" },
        { "ok", "..", "ok.bin" },
        { "ok", "../../x", "ok.bin" },
        { "ok", "fp16/../..", "ok.bin" },
        { "ok", null, ".." },
        { "ok", null, "../../escape.bin" },
        { "ok", null, "/tmp/escape.bin" },
        { "ok", null, "sub/escape.bin" },
        { "ok", null, "a\\..\\escape.bin" },
        { "ok", null, "nul\0.bin" },
        { "ok", null, "C:escape.bin" },
        { "ok", null, "CON.txt" },
        { "ok", null, new string('f', 256) },
        { "ok", null, "trailing." },
    };

    [Theory]
    [MemberData(nameof(HostileAssets))]
    public async Task Hostile_ids_tags_and_file_names_are_rejected_before_any_file_or_socket_is_touched(string id, string? tag, string fileName)
    {
        var asset = new AssetInfo { Id = id, Tag = tag, FileName = fileName, Size = 3, Sha256 = TestContent.Sha256([1, 2, 3]) };
        var mirror = Engine.Dir.Sub("mirror");
        var target = Engine.Dir.Sub("target");
        Engine.Manager.AddSource(new DirectoryAssetSource(mirror)).AddSource(Engine.Http(Server.BaseUrl, "{id}/{tag}/{fileName}"));
        var before = Engine.Dir.Files();

        var get = await Assert.ThrowsAsync<AssetException>(() => Engine.Manager.GetAsync(asset));
        var materialize = await Assert.ThrowsAsync<AssetException>(() => Engine.Manager.MaterializeAsync(asset, target));

        Assert.Equal(AssetDiagnosticIds.InvalidAsset, get.Code);
        Assert.Equal(AssetDiagnosticIds.InvalidAsset, materialize.Code);
        Assert.False(get.Message.Contains('\0', StringComparison.Ordinal), "NUL echoed in the message");
        Assert.Equal(0, Server.ConnectionCount);
        Assert.Equal(before, Engine.Dir.Files());
    }

    [Theory]
    [InlineData("../escape.bin")]
    [InlineData("..")]
    [InlineData("/tmp/escape.bin")]
    public void Materializing_a_blob_under_a_hostile_name_writes_nothing_outside_the_target(string fileName)
    {
        var blob = Path.Combine(Engine.Dir.Sub("blob"), "blob");
        File.WriteAllText(blob, "x");
        var target = Engine.Dir.Sub("target");
        var before = Engine.Dir.Files();

        var error = Assert.Throws<AssetException>(() => new AssetMaterializer().Materialize(blob, target, fileName));

        Assert.Equal(AssetDiagnosticIds.InvalidAsset, error.Code);
        Assert.Equal(before, Engine.Dir.Files());
    }

    [Theory]
    [InlineData("../{fileName}")]
    [InlineData("a/../../{fileName}")]
    [InlineData("/abs/{fileName}")]
    [InlineData("http://evil.example/{fileName}")]
    [InlineData("//evil.example/{fileName}")]
    [InlineData("{fileName}?sig=x")]
    [InlineData("{unknown}/{fileName}")]
    [InlineData("models/{id}")]
    [InlineData("a\0/{fileName}")]
    [InlineData("a\\{fileName}")]
    [InlineData("%2e%2e/{fileName}")]
    [InlineData("")]
    public void Hostile_path_templates_are_rejected_when_the_source_is_created(string template)
    {
        var error = Assert.Throws<AssetException>(() => new HttpAssetSource(new HttpAssetSourceOptions { BaseUrl = Server.BaseUrl, PathTemplate = template }));

        Assert.Equal(AssetDiagnosticIds.InvalidUrlTemplate, error.Code);
    }

    [Fact]
    public void A_base_url_that_is_not_http_is_rejected()
    {
        var error = Assert.Throws<AssetException>(() => new HttpAssetSource(new HttpAssetSourceOptions { BaseUrl = new Uri("file:///etc/") }));

        Assert.Equal(AssetDiagnosticIds.InvalidUrlTemplate, error.Code);
    }

    [Fact]
    public async Task Template_values_are_escaped_so_an_id_cannot_change_the_path()
    {
        var content = TestContent.Bytes(100, 60);
        var asset = TestFiles.Asset(content, "org:model+v2", "w.bin", tag: "q4.k");
        Server.Add("models/org:model+v2/q4.k/w.bin", content); // Kestrel hands the handler the decoded path
        Engine.Manager.AddSource(Engine.Http(Server.BaseUrl, "models/{id}/{tag}/{fileName}"));

        var result = await Engine.Manager.GetAsync(asset);

        Assert.Equal(content, File.ReadAllBytes(result.CachePath));
    }

    [Theory]
    [InlineData("../outside.bin")]
    [InlineData("/etc/passwd")]
    [InlineData("models/../../outside.bin")]
    [InlineData("models\\x.bin")]
    public void A_bundle_index_pointing_outside_the_bundle_is_rejected(string path)
    {
        var bundle = Engine.Dir.Sub("bundle");
        File.WriteAllText(Path.Combine(bundle, BundleIndex.FileName), $$"""{ "formatVersion": 1, "assets": [ { "id": "a", "sha256": "{{new string('a', 64)}}", "size": 1, "path": {{System.Text.Json.JsonSerializer.Serialize(path)}} } ] }""");

        var error = Assert.Throws<AssetException>(() => BundleIndex.Load(Path.Combine(bundle, BundleIndex.FileName)));

        Assert.Equal(AssetDiagnosticIds.InvalidBundleIndex, error.Code);
    }
}
