using System.Reflection;

namespace ModelManifest.Sources.HuggingFace.Tests;

/// <summary>Runs the built <c>modelmanifest</c> tool as a process (stdout redirected, so its output is plain).</summary>
internal static class Cli
{
    private static readonly string s_dll = typeof(Cli).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "CliDll").Value!;

    public static DotnetTool.Result Run(IDictionary<string, string?> environment, params string[] args)
    {
        Assert.True(File.Exists(s_dll), $"{s_dll} not built");
        return DotnetTool.Run(s_dll, args, environment);
    }
}
