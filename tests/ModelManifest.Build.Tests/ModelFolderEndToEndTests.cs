using System.Globalization;

namespace ModelManifest.Build.Tests;

/// <summary>
/// A model that is a folder of files (ONNX with external data, as exporters write it) bundled by the packed package and
/// loaded by ONNX Runtime in the app, from the folder the runtime's GetModelDirectoryAsync returns.
/// </summary>
[Collection(PackedPackagesCollection.Name)]
[Trait("Category", "EndToEnd")]
public sealed class ModelFolderEndToEndTests(PackedPackages packages)
{
    private const string OnnxRuntimeVersion = "1.31.1";
    private const string TensorsVersion = "9.0.23";

    [Fact]
    public void An_app_bundles_an_onnx_model_with_external_data_in_its_own_folder_and_runs_it_from_there_offline()
    {
        string root = Directory.CreateDirectory(Path.Combine(packages.Root, "folder-" + Guid.NewGuid().ToString("N")[..8])).FullName;
        var exported = OnnxExternalDataModel.Export(Path.Combine(root, "mirror"));
        WriteNuGetConfigWithLocalOnnxRuntime(root);
        var app = new ConsumerProject(packages, root, "app", Path.Combine(root, "cache"),
                extraItems: $"""
                    <ModelAssetSource Include="{exported.Directory}" />
                    <PackageReference Include="Microsoft.ML.OnnxRuntime" Version="{OnnxRuntimeVersion}" />
                    <PackageReference Include="System.Numerics.Tensors" Version="{TensorsVersion}" />
                    """)
            .WithManifest("onnx.models.json", exported.Manifest("onnx-classifier"));
        File.WriteAllText(Path.Combine(app.Directory, "Program.cs"), """
            using System.Globalization;
            using Microsoft.ML.OnnxRuntime;
            using Microsoft.ML.OnnxRuntime.Tensors;
            using ModelManifest;
            using ModelManifest.Assets;

            var catalog = new ManifestDocument { SchemaVersion = ManifestWriter.CurrentSchemaVersion, Models = Models.Snapshot.Models, Assets = Models.Snapshot.Assets };
            var models = new ModelProvider(new AssetManager(), [new DocumentManifestSource(catalog, "catalog")], new BundledAssetSource());
            await models.RefreshAsync();
            string folder = await models.GetModelDirectoryAsync(Models.OnnxClassifier);
            Console.WriteLine("folder " + Path.GetRelativePath(AppContext.BaseDirectory, folder).Replace('\\', '/'));

            using var session = new InferenceSession(Path.Combine(folder, "model.onnx"));
            var input = new DenseTensor<float>(args.Select(a => float.Parse(a, CultureInfo.InvariantCulture)).ToArray(), [1, args.Length]);
            using var results = session.Run([NamedOnnxValue.CreateFromTensor("input", input)]);
            Console.WriteLine("output " + string.Join(' ', results.Single().AsEnumerable<float>().Select(v => v.ToString("R", CultureInfo.InvariantCulture))));
            """);

        var build = app.Build();
        Assert.True(build.ExitCode == 0, build.Output);
        string bundled = Path.Combine(app.OutputDirectory, "models", "onnx-classifier");
        Assert.Equal([OnnxExternalDataModel.GraphFileName, OnnxExternalDataModel.DataFileName], Directory.GetFiles(bundled).Select(Path.GetFileName).Order(StringComparer.Ordinal));

        // Offline, over an empty cache: the model can only come from the bundle folder.
        string runCache = Path.Combine(root, "run-cache");
        var run = DotNet.Run(app.OutputDirectory, [Path.Combine(app.OutputDirectory, "app.dll"), .. exported.Input.Select(v => v.ToString("R", CultureInfo.InvariantCulture))],
            new Dictionary<string, string> { ["MODELMANIFEST_CACHE"] = runCache, ["MODELMANIFEST_OFFLINE"] = "1" });
        Assert.True(run.ExitCode == 0, run.Output);
        Assert.Contains("folder models/onnx-classifier", run.Output, StringComparison.Ordinal);
        float[] output = run.Output.Split('\n').Single(l => l.StartsWith("output ", StringComparison.Ordinal))["output ".Length..].Trim()
            .Split(' ').Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(exported.Output.Length, output.Length);
        for (int i = 0; i < output.Length; i++)
        {
            Assert.Equal(exported.Output[i], output[i], 1e-4f);
        }

        Assert.False(Directory.Exists(Path.Combine(runCache, "snapshots")));
    }

    /// <summary>
    /// The consumer's NuGet.config (ConsumerProject keeps an existing one), with ONNX Runtime taken from this machine's
    /// packages folder, where the solution's own restore put it, instead of downloading 160 MB again.
    /// </summary>
    private void WriteNuGetConfigWithLocalOnnxRuntime(string root)
    {
        string machinePackages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } set
            ? set
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        File.WriteAllText(Path.Combine(root, "NuGet.config"), string.Format(CultureInfo.InvariantCulture, """
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <config>
                <add key="globalPackagesFolder" value="{0}" />
              </config>
              <packageSources>
                <clear />
                <add key="local" value="{1}" />
                <add key="machine" value="{2}" />
                <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
              </packageSources>
              <packageSourceMapping>
                <packageSource key="local">
                  <package pattern="ModelManifest" />
                  <package pattern="ModelManifest.*" />
                </packageSource>
                <packageSource key="machine">
                  <package pattern="Microsoft.ML.OnnxRuntime" />
                  <package pattern="Microsoft.ML.OnnxRuntime.*" />
                  <package pattern="System.Numerics.Tensors" />
                </packageSource>
                <packageSource key="nuget.org">
                  <package pattern="*" />
                </packageSource>
              </packageSourceMapping>
            </configuration>
            """, packages.GlobalPackages, packages.Feed, machinePackages));
    }
}
