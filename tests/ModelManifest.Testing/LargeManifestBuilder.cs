using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace ModelManifest.Testing;

/// <summary>Builds a large, valid manifest (for benchmarks): N models, each referencing several assets.</summary>
public static class LargeManifestBuilder
{
    /// <summary>Creates manifest text with <paramref name="models"/> models and <paramref name="assets"/> assets.</summary>
    public static string Build(int models = 1000, int assets = 3000)
    {
        var sb = new StringBuilder(capacity: models * 900 + assets * 350);
        sb.Append("{\n  \"schemaVersion\": \"1.1\",\n  \"models\": [\n");
        int perModel = Math.Max(1, assets / Math.Max(1, models));
        for (int m = 0; m < models; m++)
        {
            sb.Append("    {\n      \"id\": \"model-").Append(m.ToString(CultureInfo.InvariantCulture)).Append("\",\n");
            sb.Append("      \"version\": \"1.").Append((m % 7).ToString(CultureInfo.InvariantCulture)).Append(".0\",\n");
            sb.Append("      \"displayName\": \"Model ").Append(m.ToString(CultureInfo.InvariantCulture)).Append("\",\n");
            sb.Append("      \"description\": \"Synthetic model for benchmarks.\",\n      \"stage\": \"stable\",\n      \"tags\": [\"bench\", \"synthetic\"],\n");
            sb.Append("      \"assets\": [");
            for (int a = 0; a < perModel; a++)
            {
                int index = (m * perModel + a) % assets;
                sb.Append(a == 0 ? string.Empty : ", ").Append("{ \"id\": \"asset-").Append(index.ToString(CultureInfo.InvariantCulture)).Append("\", \"tag\": \"fp16\" }");
            }

            sb.Append("],\n");
            sb.Append("      \"compatibility\": { \"platforms\": [\"linux-x64\", \"osx-arm64\"], \"accelerators\": { \"cpu\": \"compatible\", \"cuda\": \"unknown\" }, \"minHostMemoryMiB\": 4096 },\n");
            sb.Append("      \"options\": [{ \"name\": \"members\", \"type\": \"integer\", \"default\": 1, \"minimum\": 1, \"maximum\": 51 }],\n");
            sb.Append("      \"inputs\": { \"variables\": [{ \"name\": \"2t\", \"units\": \"K\" }, { \"name\": \"t\", \"units\": \"K\", \"levels\": [1000, 850, 500] }], \"timeStep\": \"PT6H\" }\n");
            sb.Append(m == models - 1 ? "    }\n" : "    },\n");
        }

        sb.Append("  ],\n  \"assets\": [\n");
        for (int a = 0; a < assets; a++)
        {
            string digest = Convert.ToHexStringLower(SHA256.HashData(BitConverter.GetBytes(a)));
            sb.Append("    { \"id\": \"asset-").Append(a.ToString(CultureInfo.InvariantCulture)).Append("\", \"tag\": \"fp16\", \"fileName\": \"asset-")
              .Append(a.ToString(CultureInfo.InvariantCulture)).Append(".safetensors\", \"size\": ").Append((1_000_000L + a).ToString(CultureInfo.InvariantCulture))
              .Append(", \"sha256\": \"").Append(digest).Append("\", \"format\": \"safetensors\" }").Append(a == assets - 1 ? "\n" : ",\n");
        }

        sb.Append("  ]\n}\n");
        return sb.ToString();
    }
}
