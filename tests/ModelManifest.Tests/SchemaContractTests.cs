using System.Text.Json.Serialization.Metadata;

namespace ModelManifest.Tests;

/// <summary>
/// The schema is the source of truth: each schema definition and the record that binds it must declare the same
/// properties, so a schema change that is not carried to the runtime records fails here.
/// </summary>
public sealed class SchemaContractTests
{
    public static TheoryData<string, Type> Definitions() => new()
    {
        { "#", typeof(ManifestDocument) },
        { "model", typeof(ModelInfo) },
        { "asset", typeof(AssetInfo) },
        { "assetReference", typeof(AssetReference) },
        { "requirements", typeof(ModelRequirements) },
        { "packageRequirement", typeof(PackageRequirement) },
        { "compatibility", typeof(ModelCompatibility) },
        { "option", typeof(ModelOption) },
        { "variable", typeof(ModelVariable) },
        { "grid", typeof(ModelGrid) },
        { "inputs", typeof(ModelInputs) },
        { "outputs", typeof(ModelOutputs) },
        { "provenance", typeof(ModelProvenance) },
    };

    [Theory]
    [MemberData(nameof(Definitions))]
    public void Record_properties_match_the_schema_definition(string definition, Type type)
    {
        var schema = ManifestReader.Schema;
        SchemaNode node = definition == "#" ? schema.Root : schema.Definitions[definition];
        var schemaNames = node.Properties.Select(p => p.Key).Order(StringComparer.Ordinal).ToList();
        JsonTypeInfo info = ManifestJsonContext.Default.GetTypeInfo(type)!;
        var recordNames = info.Properties.Where(p => !p.IsExtensionData && p.Get is not null).Select(p => p.Name).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(schemaNames, recordNames);
    }

    [Fact]
    public void Every_definition_is_bound_or_is_a_value_type()
    {
        var bound = Definitions().Select(row => (string)row[0]).ToHashSet();
        string[] valueDefinitions = ["identifier", "semanticVersion", "compatibilityStatus", "metadata"];
        Assert.All(ManifestReader.Schema.Definitions.Keys, name => Assert.True(bound.Contains(name) || valueDefinitions.Contains(name), "unbound definition " + name));
    }

    [Fact]
    public void Every_schema_property_has_a_description()
    {
        var missing = new List<string>();
        void Visit(SchemaNode node, string path, HashSet<SchemaNode> seen)
        {
            if (!seen.Add(node))
            {
                return;
            }

            foreach (var (name, child) in node.Properties)
            {
                if (string.IsNullOrWhiteSpace(child.EffectiveDescription))
                {
                    missing.Add(path + "." + name);
                }

                Visit(child.Resolved, path + "." + name, seen);
            }

            if (node.Items is not null)
            {
                Visit(node.Items.Resolved, path + "[]", seen);
            }
        }

        var seen = new HashSet<SchemaNode>();
        Visit(ManifestReader.Schema.Root, "#", seen);
        foreach (var (name, def) in ManifestReader.Schema.Definitions)
        {
            Visit(def, name, seen);
        }

        Assert.Empty(missing);
    }

    [Fact]
    public void Schema_uses_only_keywords_the_reader_implements()
    {
        var all = ManifestReader.Schema.Definitions.Values.Append(ManifestReader.Schema.Root);
        Assert.All(all, n => Assert.Empty(n.UnsupportedKeywords));
        Assert.StartsWith("https://modelmanifest.build/schema/1.1/", ManifestReader.Schema.Id, StringComparison.Ordinal);
    }

    [Fact]
    public void Embedded_schema_is_the_published_file()
        => Assert.Equal(File.ReadAllText(TestPaths.SchemaFile), ManifestSchema.EmbeddedText);
}
