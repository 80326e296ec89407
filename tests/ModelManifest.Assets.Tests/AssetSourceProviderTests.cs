namespace ModelManifest.Assets.Tests;

/// <summary>The plug-in contract: kinds of source beyond folders and http(s) come from providers, by scheme or Kind.</summary>
public sealed class AssetSourceProviderTests
{
    [Fact]
    public void A_registered_provider_builds_sources_for_its_scheme_with_the_location_settings()
    {
        var provider = new RecordingProvider("mmtest-a");
        AssetSourceProviders.Register(provider);

        var source = AssetSourceFactory.Create("mmtest-a://bucket/prefix", new Dictionary<string, string> { ["Region"] = " eu-west-1 ", ["Empty"] = "" });

        Assert.Same(provider.Created, source);
        Assert.Equal("mmtest-a", provider.Location!.Scheme);
        Assert.Equal("mmtest-a://bucket/prefix", provider.Location.Text);
        Assert.Equal("eu-west-1", provider.Location.GetSetting("region"));
        Assert.Null(provider.Location.GetSetting("Empty"));
    }

    [Fact]
    public void The_kind_setting_selects_the_provider_for_an_https_location()
    {
        var provider = new RecordingProvider("mmtest-kind");
        AssetSourceProviders.Register(provider);

        var source = AssetSourceFactory.Create("https://models.example/", new Dictionary<string, string> { ["Kind"] = "MMTEST-KIND" });

        Assert.Same(provider.Created, source);
        Assert.Equal("mmtest-kind", provider.Location!.Scheme);
    }

    [Fact]
    public void A_push_target_comes_from_the_provider_and_a_folder_is_not_one()
    {
        var provider = new RecordingProvider("mmtest-push");
        AssetSourceProviders.Register(provider);

        Assert.Same(provider.Target, AssetSourceFactory.CreatePushTarget("mmtest-push://host/repo:1.0.0"));
        var folder = Assert.Throws<AssetException>(() => AssetSourceFactory.CreatePushTarget("./models"));
        Assert.Equal(AssetDiagnosticIds.InvalidSourceLocation, folder.Code);
        Assert.Contains("cannot be pushed to", folder.Message);
        var http = Assert.Throws<AssetException>(() => AssetSourceFactory.CreatePushTarget("https://models.example/"));
        Assert.Equal(AssetDiagnosticIds.InvalidSourceLocation, http.Code);
    }

    [Fact]
    public void A_provider_without_push_support_is_a_clean_error()
    {
        AssetSourceProviders.Register(new RecordingProvider("mmtest-readonly", canPush: false));

        var e = Assert.Throws<AssetException>(() => AssetSourceFactory.CreatePushTarget("mmtest-readonly://x/y"));

        Assert.Equal(AssetDiagnosticIds.InvalidSourceLocation, e.Code);
        Assert.Contains("cannot be pushed to", e.Message);
    }

    [Fact]
    public void An_unknown_scheme_is_still_rejected_and_credentials_in_it_are_not_printed()
    {
        var e = Assert.Throws<AssetException>(() => AssetSourceFactory.Create("nosuchkind://user:s3cret@host/x?sig=abc"));

        Assert.Equal(AssetDiagnosticIds.InvalidSourceLocation, e.Code);
        Assert.Contains("'nosuchkind:'", e.Message);
        Assert.DoesNotContain("s3cret", e.Message);
        Assert.DoesNotContain("sig=abc", e.Message);
    }

    [Fact]
    public void A_boolean_setting_that_is_not_a_boolean_names_the_setting()
    {
        var provider = new RecordingProvider("mmtest-bool", readBoolean: true);
        AssetSourceProviders.Register(provider);

        var e = Assert.Throws<AssetException>(() => AssetSourceFactory.Create("mmtest-bool://x", new Dictionary<string, string> { ["PathStyle"] = "maybe" }));

        Assert.Equal(AssetDiagnosticIds.InvalidSourceLocation, e.Code);
        Assert.Contains("PathStyle 'maybe'", e.Message);
        Assert.True(AssetSourceFactory.Create("mmtest-bool://x", new Dictionary<string, string> { ["PathStyle"] = "Yes" }) is not null);
    }

    private sealed class RecordingProvider(string scheme, bool canPush = true, bool readBoolean = false) : IAssetSourceProvider
    {
        public IReadOnlyList<string> Schemes { get; } = [scheme];

        public AssetSourceLocation? Location { get; private set; }

        public IAssetSource Created { get; } = new DirectoryAssetSource(Path.GetTempPath(), name: "test");

        public IAssetPushTarget Target { get; } = new NoTarget();

        public IAssetSource CreateSource(AssetSourceLocation location)
        {
            Location = location;
            if (readBoolean)
            {
                location.GetBooleanSetting("PathStyle", false);
            }

            return Created;
        }

        public IAssetPushTarget? CreatePushTarget(AssetSourceLocation location) => canPush ? Target : null;
    }

    private sealed class NoTarget : IAssetPushTarget
    {
        public string Name => "none";

        public Task<ModelPushResult> PushAsync(ModelPush push, IProgress<AssetProgress>? progress, CancellationToken cancellationToken) =>
            Task.FromResult(new ModelPushResult(0, push.Assets.Count, "none"));
    }
}
