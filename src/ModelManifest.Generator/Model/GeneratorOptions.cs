namespace ModelManifest.Generator.Model;

/// <summary>
/// Options from <c>build_property.*</c>: catalog namespace and class name, and whether the live analyzer reports
/// the per-file diagnostics (then the generator reports only what needs every manifest); and whether the project's
/// C# has UTF-8 string literals (C# 11+), the compact way to embed manifest data.
/// </summary>
/// <see cref="GlobalUsing"/>: emit <c>global using</c> of the catalog's namespace (C# 10+, on unless
/// <c>ModelManifestCatalogGlobalUsing=false</c>), so a top-level <c>Program.cs</c> in the global namespace can write
/// <c>Models.X</c> without first learning which namespace the catalog went to.
internal sealed record GeneratorOptions(string Namespace, string ClassName, bool LiveAnalysis, bool Utf8Literals = true, bool GlobalUsing = false);
