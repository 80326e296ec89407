namespace ModelManifest.Generator.Model;

/// <summary>
/// Options from <c>build_property.*</c>: catalog namespace and class name, and whether the live analyzer reports
/// the per-file diagnostics (then the generator reports only what needs every manifest).
/// </summary>
internal sealed record GeneratorOptions(string Namespace, string ClassName, bool LiveAnalysis);
