namespace ModelManifest.Build.Tests;

/// <summary>
/// A freshly created project in a temp folder that references the packed ModelManifest.Build from the local feed
/// (private global packages folder, package source mapping) and is built with the real dotnet CLI.
/// </summary>
public sealed class ConsumerProject
{
    private readonly PackedPackages _packages;

    public ConsumerProject(PackedPackages packages, string root, string name, string cacheRoot, string outputType = "Exe", string extraItems = "", string extraProperties = "")
    {
        _packages = packages;
        Name = name;
        Directory = System.IO.Directory.CreateDirectory(Path.Combine(root, name)).FullName;
        CacheRoot = cacheRoot;
        WriteNuGetConfig(root, packages);
        File.WriteAllText(Path.Combine(Directory, name + ".csproj"), $$"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>{{outputType}}</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
                {{extraProperties}}
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="ModelManifest.Build" Version="{{PackedPackages.Version}}" />
                {{extraItems}}
              </ItemGroup>
            </Project>
            """);
    }

    public string Name { get; }

    public string Directory { get; }

    public string CacheRoot { get; }

    public string OutputDirectory => Path.Combine(Directory, "bin", "Debug", "net10.0");

    /// <summary>
    /// Program.cs that prints every bundled asset with the sha256 of its bytes (read through the runtime library) and,
    /// with <paramref name="catalog"/>, the typed catalog the generator made from the project's own manifests.
    /// </summary>
    public ConsumerProject WithAssetPrintingProgram(bool catalog = false)
    {
        string printCatalog = catalog
            ? "foreach (ModelManifest.ModelInfo model in " + Name + ".Models.All) { Console.WriteLine($\"model {model.Id} {model.Version} schema {" + Name + ".Models.SchemaVersion}\"); }"
            : string.Empty;
        File.WriteAllText(Path.Combine(Directory, "Program.cs"), """
            using System.Security.Cryptography;
            using ModelManifest.Assets;

            """ + printCatalog + """

            var index = BundleIndex.Load(Path.Combine(AppContext.BaseDirectory, BundleIndex.FileName));
            var bundle = new BundledAssetSource();
            foreach (var entry in index.Assets)
            {
                using var file = File.OpenRead(Path.Combine(AppContext.BaseDirectory, entry.Path));
                Console.WriteLine($"asset {entry.Id} {entry.Path} {Convert.ToHexStringLower(SHA256.HashData(file))}");
            }
            """);
        return this;
    }

    public ConsumerProject WithManifest(string fileName, string json)
    {
        string path = Path.Combine(Directory, "models", fileName);
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, json);
        return this;
    }

    public DotNet.Result Run(params string[] args) => DotNet.Run(Directory, [.. args, "-nodeReuse:false"], Environment());

    public (System.Diagnostics.Process, System.Text.StringBuilder) Start(params string[] args) => DotNet.Start(Directory, [.. args, "-nodeReuse:false"], Environment());

    public DotNet.Result Build(params string[] extra) => Run(["build", "-v:n", .. extra]);

    /// <summary>Environment variables for every dotnet command of this project, beside MODELMANIFEST_CACHE.</summary>
    public Dictionary<string, string> ExtraEnvironment { get; } = new();

    public IReadOnlyDictionary<string, string> Environment() => new Dictionary<string, string>(ExtraEnvironment) { ["MODELMANIFEST_CACHE"] = CacheRoot };

    /// <summary>A Program.cs that prints one line and touches no model: the app of a user who just added the package.</summary>
    public ConsumerProject WithPlainProgram()
    {
        File.WriteAllText(Path.Combine(Directory, "Program.cs"), "Console.WriteLine(\"hello\");\n");
        return this;
    }

    /// <summary>Runs a built app directly (no MSBuild involved).</summary>
    public static DotNet.Result RunApp(string dll) => DotNet.Run(Path.GetDirectoryName(dll)!, [dll], new Dictionary<string, string>());

    private static void WriteNuGetConfig(string root, PackedPackages packages)
    {
        string path = Path.Combine(root, "NuGet.config");
        if (File.Exists(path))
        {
            return;
        }

        File.WriteAllText(path, $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <config>
                <add key="globalPackagesFolder" value="{packages.GlobalPackages}" />
              </config>
              <packageSources>
                <clear />
                <add key="local" value="{packages.Feed}" />
                <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
              </packageSources>
              <packageSourceMapping>
                <packageSource key="local">
                  <package pattern="ModelManifest" />
                  <package pattern="ModelManifest.*" />
                </packageSource>
                <packageSource key="nuget.org">
                  <package pattern="*" />
                </packageSource>
              </packageSourceMapping>
            </configuration>
            """);
    }
}
