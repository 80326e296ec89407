using System.Text.Json;

namespace ModelManifest.Testing;

/// <summary>
/// A small torch model exported to ONNX with its weights in an external data file (<c>model.onnx</c> +
/// <c>model.onnx.data</c>, the layout ONNX exporters write), made by Python/export_onnx_external_data.py with Debian's
/// python3-torch, with the input it was run on and the output torch computed.
/// </summary>
public sealed record OnnxExternalDataModel(string Directory, float[] Input, float[] Output)
{
    /// <summary>The graph file; it names <see cref="DataFileName"/> for its weights.</summary>
    public const string GraphFileName = "model.onnx";

    /// <summary>The external data file.</summary>
    public const string DataFileName = "model.onnx.data";

    /// <summary>The shape of <see cref="Input"/>.</summary>
    public static readonly int[] InputShape = [1, 32];

    /// <summary>The name of the graph's input.</summary>
    public const string InputName = "input";

    /// <summary>Exports the model into <paramref name="directory"/>.</summary>
    public static OnnxExternalDataModel Export(string directory)
    {
        string script = Path.Combine(AppContext.BaseDirectory, "Python", "export_onnx_external_data.py");
        using JsonDocument json = JsonDocument.Parse(DebianPython.Run(script, directory).Trim().Split('\n')[^1]);
        static float[] Floats(JsonElement e) => e.EnumerateArray().Select(v => v.GetSingle()).ToArray();
        return new OnnxExternalDataModel(directory, Floats(json.RootElement.GetProperty("input")), Floats(json.RootElement.GetProperty("output")));
    }

    /// <summary>The path of one of the two files.</summary>
    public string File(string name) => Path.Combine(Directory, name);

    /// <summary>A manifest with model <paramref name="modelId"/> 1.0.0 made of the two files (assets <c>graph</c> and <c>weights</c>).</summary>
    public string Manifest(string modelId)
    {
        string Asset(string id, string name)
        {
            byte[] bytes = System.IO.File.ReadAllBytes(File(name));
            return $$"""{ "id": "{{id}}", "fileName": "{{name}}", "size": {{bytes.Length}}, "sha256": "{{TestContent.Sha256(bytes)}}" }""";
        }

        return $$"""
            {
              "schemaVersion": "1.1",
              "models": [ { "id": "{{modelId}}", "version": "1.0.0", "assets": [ { "id": "graph" }, { "id": "weights" } ] } ],
              "assets": [ {{Asset("graph", GraphFileName)}}, {{Asset("weights", DataFileName)}} ]
            }
            """;
    }
}
