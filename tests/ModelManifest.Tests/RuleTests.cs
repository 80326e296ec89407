namespace ModelManifest.Tests;

/// <summary>Every rule with a failing case (located on the offending token) and a passing case.</summary>
public sealed class RuleTests
{
    private const string Sha = ValidManifest.Sha;

    [Fact]
    public void Baseline_manifest_is_clean() => ManifestAssert.IsClean(ValidManifest.With());

    [Fact]
    public void MM0002_syntax_error_points_at_the_bad_token()
    {
        string json = "{\n  \"schemaVersion\": \"1.1\"\n  \"models\": []\n}";
        var d = ManifestAssert.HasDiagnosticAt(json, "MM0002", "\"models\"");
        Assert.Contains("expected ',' or '}'", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MM0002_unterminated_string_points_at_its_quote()
        => ManifestAssert.HasDiagnosticAt("{ \"schemaVersion\": \"1.1", "MM0002", "\"1.1");

    [Fact]
    public void MM0003_deep_nesting_is_a_diagnostic_not_a_crash()
    {
        string json = "{\"schemaVersion\":\"1.1\",\"metadata\":" + new string('[', 10_000) + new string(']', 10_000) + "}";
        var result = ManifestReader.Read(json, "deep.models.json");
        Assert.Contains(result.Diagnostics, d => d.Id == "MM0003");
    }

    [Fact]
    public void MM0004_duplicate_property_points_at_the_second_name()
        => ManifestAssert.HasDiagnosticAt("{ \"schemaVersion\": \"1.1\", \"schemaVersion\": \"1.1\" }", "MM0004", "\"schemaVersion\"", occurrence: 2);

    [Fact]
    public void MM0005_empty_file() => ManifestAssert.HasDiagnosticAt("  \n ", "MM0005", "  ");

    [Fact]
    public void MM0001_invalid_utf8_reports_the_byte_and_its_position()
    {
        byte[] bytes = [.. "{\n  \"schemaVersion\": \"1.1\",\n  \"x\": \""u8.ToArray(), 0xC3, 0x28, .. "\"\n}"u8.ToArray()];
        var result = ManifestReader.Read(bytes, "enc.models.json");
        var d = Assert.Single(result.Diagnostics);
        Assert.Equal("MM0001", d.Id);
        Assert.Equal(new SourcePosition(2, 8), d.Start);
        Assert.Contains("0xC3", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bom_is_accepted()
    {
        byte[] bytes = [0xEF, 0xBB, 0xBF, .. System.Text.Encoding.UTF8.GetBytes(ValidManifest.With())];
        Assert.Empty(ManifestReader.Read(bytes, "bom.models.json").Diagnostics);
    }

    [Fact]
    public void Comments_and_trailing_commas_are_accepted_like_appsettings()
    {
        string json = ValidManifest.With().Replace("\"schemaVersion\"", "// a comment\n  /* block */ \"schemaVersion\"", StringComparison.Ordinal)
            .Replace("\"format\": \"torch\" }", "\"format\": \"torch\", }", StringComparison.Ordinal);
        var doc = ManifestAssert.IsClean(json);
        Assert.Equal(AssetFormat.Torch, doc.Assets[0].Format);
    }

    [Fact]
    public void MM0010_missing_schema_version_points_at_the_object()
        => ManifestAssert.HasDiagnosticAt("{ \"models\": [] }", "MM0010", "{");

    [Fact]
    public void MM0010_malformed_schema_version_points_at_the_value()
        => ManifestAssert.HasDiagnosticAt("{ \"schemaVersion\": 1.1 }", "MM0010", "1.1");

    [Fact]
    public void MM0100_wrong_type()
        => ManifestAssert.HasDiagnosticAt(ValidManifest.With().Replace("\"size\": 10", "\"size\": \"10\"", StringComparison.Ordinal), "MM0100", "\"10\"");

    [Fact]
    public void MM0100_integer_rejects_fractions()
        => ManifestAssert.HasDiagnosticAt(ValidManifest.With().Replace("\"size\": 10", "\"size\": 10.5", StringComparison.Ordinal), "MM0100", "10.5");

    [Fact]
    public void MM0101_missing_required_property_points_at_the_object()
    {
        string json = ValidManifest.With().Replace($", \"sha256\": \"{Sha}\"", string.Empty, StringComparison.Ordinal);
        var d = ManifestAssert.HasDiagnosticAt(json, "MM0101", "{ \"id\": \"ckpt\", \"tag\": \"v1\", \"fileName\"");
        Assert.Contains("'sha256'", d.Message, StringComparison.Ordinal);
        Assert.Contains("ckpt", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MM0102_value_not_in_enum()
        => ManifestAssert.HasDiagnosticAt(ValidManifest.With().Replace("\"torch\"", "\"pytorch\"", StringComparison.Ordinal), "MM0102", "\"pytorch\"");

    [Fact]
    public void MM0102_accelerator_status_not_in_enum()
        => ManifestAssert.HasDiagnosticAt("{ \"schemaVersion\": \"1.1\", \"models\": [{ \"id\": \"x\", \"version\": \"1.0.0\", \"compatibility\": { \"accelerators\": { \"cuda\": \"maybe\" } } }] }", "MM0102", "\"maybe\"");

    [Fact]
    public void MM0103_pattern_without_a_specific_rule_uses_the_generic_one()
    {
        // Our own schema gives every pattern a specific rule (x-diagnostic); extension schemas use the generic one.
        var schema = ManifestSchema.Load("""{ "type": "object", "properties": { "code": { "type": "string", "pattern": "^[A-Z]{3}$" } } }""");
        string json = """{ "code": "abcd" }""";
        var parsed = JsonSyntaxParser.Parse(json);
        var diagnostics = new List<ManifestDiagnostic>();
        StructuralValidator.Validate(parsed.Root!, schema.Root, "ext.json", parsed.Lines, diagnostics);
        var d = Assert.Single(diagnostics);
        Assert.Equal("MM0103", d.Id);
        Assert.Equal(json.IndexOf("\"abcd\"", StringComparison.Ordinal), d.Span.Start);
        diagnostics.Clear();
        var ok = JsonSyntaxParser.Parse("""{ "code": "ABC" }""");
        StructuralValidator.Validate(ok.Root!, schema.Root, "ext.json", ok.Lines, diagnostics);
        Assert.Empty(diagnostics);
    }

    [Fact]
    public void MM0104_number_out_of_range()
        => ManifestAssert.HasDiagnosticAt(ValidManifest.With().Replace("\"size\": 10", "\"size\": -5", StringComparison.Ordinal), "MM0104", "-5");

    [Fact]
    public void MM0105_string_too_short()
        => ManifestAssert.HasDiagnosticAt(ValidManifest.With().Replace("\"weather.ckpt\"", "\"\"", StringComparison.Ordinal), "MM0105", "\"\"");

    [Fact]
    public void MM0106_invalid_identifier()
        => ManifestAssert.HasDiagnosticAt(ValidManifest.With().Replace("\"id\": \"weather\"", "\"id\": \"-weather\"", StringComparison.Ordinal), "MM0106", "\"-weather\"");

    [Fact]
    public void MM0110_unknown_property_is_a_warning_and_kept()
    {
        string json = ValidManifest.With(models: "\"colour\": \"blue\"");
        var d = ManifestAssert.HasDiagnosticAt(json, "MM0110", "\"colour\"");
        Assert.Equal(ManifestSeverity.Warning, d.Severity);
        var result = ManifestReader.Read(json);
        Assert.False(result.HasErrors);
        Assert.Equal("blue", result.Document!.Models[0].AdditionalProperties!["colour"].GetString());
    }

    [Fact]
    public void Metadata_is_open_and_never_warns()
        => ManifestAssert.IsClean(ValidManifest.With(models: "\"metadata\": { \"anything\": { \"goes\": [1, 2] } }"));

    [Fact]
    public void MM0200_duplicate_model_points_at_the_second_id()
    {
        string json = ValidManifest.With().Replace("\"models\": [", "\"models\": [ { \"id\": \"weather\", \"version\": \"1.0.0+build.5\" },", StringComparison.Ordinal);
        ManifestAssert.HasDiagnosticAt(json, "MM0200", "\"weather\"", occurrence: 2);
    }

    [Fact]
    public void Same_model_id_with_other_version_is_fine()
    {
        string json = ValidManifest.With().Replace("\"models\": [", "\"models\": [ { \"id\": \"weather\", \"version\": \"2.0.0\" },", StringComparison.Ordinal);
        ManifestAssert.IsClean(json);
    }

    [Fact]
    public void MM0201_duplicate_asset_points_at_the_second_id()
    {
        string json = ValidManifest.With(assets: $"{{ \"id\": \"ckpt\", \"tag\": \"v1\", \"fileName\": \"b.ckpt\", \"size\": 1, \"sha256\": \"{Sha}\" }}");
        ManifestAssert.HasDiagnosticAt(json, "MM0201", "\"ckpt\", \"tag\": \"v1\", \"fileName\": \"b.ckpt\"");
    }

    [Fact]
    public void Same_asset_id_with_other_tag_is_fine()
        => ManifestAssert.IsClean(ValidManifest.With(assets: $"{{ \"id\": \"ckpt\", \"tag\": \"v2\", \"fileName\": \"b.ckpt\", \"size\": 1, \"sha256\": \"{Sha}\" }}"));

    [Fact]
    public void MM0202_dangling_reference_points_at_the_reference()
    {
        string json = ValidManifest.With().Replace("{ \"id\": \"ckpt\", \"tag\": \"v1\" }]", "{ \"id\": \"ckpt\", \"tag\": \"v9\" }]", StringComparison.Ordinal);
        var d = ManifestAssert.HasDiagnosticAt(json, "MM0202", "{ \"id\": \"ckpt\", \"tag\": \"v9\" }");
        Assert.Contains("ckpt@v9", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MM0202_untagged_reference_to_tagged_assets_gets_a_hint()
    {
        string json = ValidManifest.With().Replace("{ \"id\": \"ckpt\", \"tag\": \"v1\" }]", "{ \"id\": \"ckpt\" }]", StringComparison.Ordinal);
        var d = ManifestAssert.HasDiagnosticAt(json, "MM0202", "{ \"id\": \"ckpt\" }");
        Assert.Contains("add a \"tag\"", d.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("xyz")]
    [InlineData("0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF")]
    [InlineData("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde")]
    public void MM0203_sha256_must_be_64_lowercase_hex(string digest)
        => ManifestAssert.HasDiagnosticAt(ValidManifest.With().Replace(Sha, digest, StringComparison.Ordinal), "MM0203", "\"" + digest + "\"");

    [Theory]
    [InlineData("1.0")]
    [InlineData("01.0.0")]
    [InlineData("v1.0.0")]
    [InlineData("1.0.0-")]
    public void MM0204_version_must_be_semver(string version)
        => ManifestAssert.HasDiagnosticAt(ValidManifest.With().Replace("\"1.0.0\"", "\"" + version + "\"", StringComparison.Ordinal), "MM0204", "\"" + version + "\"");

    [Theory]
    [InlineData("1.0.0-rc.1")]
    [InlineData("10.20.30+build.7")]
    public void Semver_prerelease_and_build_are_fine(string version)
        => ManifestAssert.IsClean(ValidManifest.With().Replace("\"1.0.0\"", "\"" + version + "\"", StringComparison.Ordinal));

    [Theory]
    [InlineData("../weather.ckpt", "directory separator")]
    [InlineData("..", "'.' and '..'")]
    [InlineData("a..b", "'..'")]
    [InlineData("/etc/passwd", "directory separator")]
    [InlineData("C:x.bin", "':'")]
    [InlineData("dir\\\\x.bin", "directory separator")]
    [InlineData("CON", "reserved device name")]
    [InlineData("nul.txt", "reserved device name")]
    [InlineData("a\\u0000b", "control character")]
    [InlineData("trailing.", "ends with")]
    public void MM0205_unsafe_file_names(string fileName, string reason)
    {
        var d = ManifestAssert.HasDiagnosticAt(ValidManifest.With().Replace("\"weather.ckpt\"", "\"" + fileName + "\"", StringComparison.Ordinal), "MM0205", "\"" + fileName + "\"");
        Assert.Contains(reason, d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MM0205_overlong_file_name()
        => ManifestAssert.HasDiagnosticAt(ValidManifest.With().Replace("\"weather.ckpt\"", "\"" + new string('a', 256) + "\"", StringComparison.Ordinal), "MM0105", "\"aaaa");

    [Theory]
    [InlineData("\"type\": \"integer\", \"default\": 1.5", "1.5", "must be an integer")]
    [InlineData("\"type\": \"integer\", \"default\": 60, \"minimum\": 1, \"maximum\": 51", "60", "outside")]
    [InlineData("\"type\": \"string\", \"default\": \"fp8\", \"allowedValues\": [\"fp32\", \"bf16\"]", "\"fp8\"", "not one of")]
    [InlineData("\"type\": \"boolean\", \"default\": \"yes\"", "\"yes\"", "must be a boolean")]
    [InlineData("\"type\": \"integer\", \"minimum\": 5, \"maximum\": 1", "5", "greater than maximum")]
    public void MM0206_option_values_must_fit_type_and_bounds(string body, string at, string reason)
    {
        string json = ValidManifest.With(models: "\"options\": [{ \"name\": \"opt\", " + body + " }]");
        var d = ManifestAssert.HasDiagnosticAt(json, "MM0206", at);
        Assert.Contains(reason, d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Valid_options_are_clean()
        => ManifestAssert.IsClean(ValidManifest.With(models: "\"options\": [{ \"name\": \"members\", \"type\": \"integer\", \"default\": 5, \"minimum\": 1, \"maximum\": 51 }, { \"name\": \"p\", \"type\": \"string\", \"default\": \"bf16\", \"allowedValues\": [\"fp32\", \"bf16\"] }]"));

    [Fact]
    public void MM0207_integer_must_fit_64_bits()
        => ManifestAssert.HasDiagnosticAt(ValidManifest.With().Replace("\"size\": 10", "\"size\": 123456789012345678901234567890", StringComparison.Ordinal), "MM0207", "123456789012345678901234567890");

    [Theory]
    [InlineData("ftp://example.org/x")]
    [InlineData("models/x.bin")]
    public void MM0208_url_hints_must_be_absolute_http(string url)
        => ManifestAssert.HasDiagnosticAt(ValidManifest.With().Replace("\"format\": \"torch\"", "\"format\": \"torch\", \"urls\": [\"" + url + "\"]", StringComparison.Ordinal), "MM0208", "\"" + url + "\"");

    [Fact]
    public void Rule_ids_are_unique_and_stable_format()
    {
        var ids = ManifestDiagnosticDescriptors.All.Select(d => d.Id).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.All(ids, id => Assert.Matches("^MM[0-9]{4}$", id));
    }
}
