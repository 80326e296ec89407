namespace ModelManifest.Sources.Oci.Tests;

/// <summary><c>oci://</c> locations: what they name, which scheme reaches the registry, and clean MM1015 errors.</summary>
public sealed class OciReferenceTests
{
    private static OciReference Parse(string text, bool insecure = false) =>
        OciReference.Parse(new AssetSourceLocation(text, "oci", null, "/"), insecure);

    [Theory]
    [InlineData("oci://127.0.0.1:5000/team/weather:1.2.0", "127.0.0.1:5000", "team/weather", "1.2.0", null, "http://127.0.0.1:5000/")]
    [InlineData("oci://localhost/models/llm", "localhost", "models/llm", null, null, "http://localhost/")]
    [InlineData("oci://[::1]:5000/m", "[::1]:5000", "m", null, null, "http://[::1]:5000/")]
    [InlineData("oci://127.8.9.10/m:v1", "127.8.9.10", "m", "v1", null, "http://127.8.9.10/")]
    [InlineData("oci://ghcr.io/acme/models/weather:2025-01", "ghcr.io", "acme/models/weather", "2025-01", null, "https://ghcr.io/")]
    [InlineData("oci://docker.io/ai/smollm2", "docker.io", "ai/smollm2", null, null, "https://registry-1.docker.io/")]
    [InlineData("oci://docker.io/ubuntu:24.04", "docker.io", "library/ubuntu", "24.04", null, "https://registry-1.docker.io/")]
    [InlineData("oci://reg.example:8443/a/b@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "reg.example:8443", "a/b", null, "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "https://reg.example:8443/")]
    public void A_reference_names_registry_repository_and_artifact(string text, string host, string repository, string? tag, string? digest, string registry)
    {
        var reference = Parse(text);
        Assert.Equal(host, reference.Host);
        Assert.Equal(repository, reference.Repository);
        Assert.Equal(tag, reference.Tag);
        Assert.Equal(digest, reference.Digest);
        Assert.Equal(registry, reference.RegistryUrl.ToString());
    }

    [Fact]
    public void A_registry_off_loopback_is_reached_over_http_only_when_insecure_says_so()
    {
        Assert.Equal("https", Parse("oci://registry.lan:5000/m").RegistryUrl.Scheme);
        Assert.Equal("http", Parse("oci://registry.lan:5000/m", insecure: true).RegistryUrl.Scheme);
        var source = OciTestKit.Source("oci://registry.lan:5000/m:v1", new() { ["Insecure"] = "true" });
        Assert.Equal("oci:registry.lan:5000/m:v1", source.Name);
    }

    [Theory]
    [InlineData("oci://host", "is not an OCI reference")]
    [InlineData("oci://user:secret-word@host/m", "holds user info")]
    [InlineData("oci://host/Upper/Case", "not a valid OCI repository")]
    [InlineData("oci://host/m:bad+tag", "not a valid OCI tag")]
    [InlineData("oci://host/m@sha256", "not algorithm:hex")]
    [InlineData("oci://host:port/m", "not a host[:port]")]
    public void A_malformed_reference_is_MM1015_without_the_secret(string text, string problem)
    {
        var error = Assert.Throws<AssetException>(() => OciTestKit.Source(text));
        Assert.Equal("MM1015", error.Code);
        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-word", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_push_target_needs_a_tag_or_none_but_no_digest()
    {
        var error = Assert.Throws<AssetException>(() => OciTestKit.Target("oci://127.0.0.1:1/m@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"));
        Assert.Equal("MM1015", error.Code);
        Assert.Equal("oci://127.0.0.1:1/m:7", OciTestKit.Target("oci://127.0.0.1:1/m:7").Name);
        Assert.Throws<AssetException>(() => OciTestKit.Target("oci://127.0.0.1:1/m", new() { ["ChunkSize"] = "-5" }));
    }
}
