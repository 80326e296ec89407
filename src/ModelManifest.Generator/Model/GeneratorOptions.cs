namespace ModelManifest.Generator.Model;

/// <summary>
/// Options from <c>build_property.*</c>: catalog namespace and class name, and whether the live analyzer reports
/// the per-file diagnostics (then the generator reports only what needs every manifest); and whether the project's
/// C# has UTF-8 string literals (C# 11+), the compact way to embed manifest data.
/// </summary>
internal sealed record GeneratorOptions(string Namespace, string ClassName, bool LiveAnalysis, bool Utf8Literals = true);
