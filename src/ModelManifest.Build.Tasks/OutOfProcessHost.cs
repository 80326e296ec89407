using System.Runtime.CompilerServices;
using System.Runtime.Loader;

namespace ModelManifest.Build.Tasks;

/// <summary>
/// The task's own console entry point, for MSBuilds that cannot load it (the .NET Framework MSBuild of Visual Studio)
/// or when <c>ModelAssetResolveOutOfProcess=true</c>: the targets run <c>dotnet ModelManifest.Build.Tasks.dll
/// &lt;request file&gt;</c> through Exec. The same task runs against a console build engine that prints canonical MSBuild
/// lines (<c>file(line,col): error MM1101: …</c>), which Exec turns back into the same errors, warnings and messages.
/// </summary>
internal static class OutOfProcessHost
{
    /// <summary>Beside the task: MSBuild's own assemblies, which an in-process task takes from MSBuild instead.</summary>
    private const string HostFolder = "host";

    public static int Main(string[] args)
    {
        string host = Path.Combine(AppContext.BaseDirectory, HostFolder);
        AssemblyLoadContext.Default.Resolving += (context, name) =>
        {
            string candidate = Path.Combine(host, name.Name + ".dll");
            return File.Exists(candidate) ? context.LoadFromAssemblyPath(candidate) : null;
        };

        if (args.Length != 1 || !File.Exists(args[0]))
        {
            Console.Error.WriteLine("usage: dotnet ModelManifest.Build.Tasks.dll <request file written by ModelManifest.Build.targets>");
            return 2;
        }

        try
        {
            return Run(args[0]);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FileLoadException or BadImageFormatException or TypeLoadException)
        {
            // Only the reason, never a stack trace: the targets report the exit code as MM1111.
            Console.Error.WriteLine("Model asset resolution host: " + e.Message);
            return 3;
        }
    }

    /// <summary>Kept out of <see cref="Main"/> so MSBuild's types load only after the resolver above is in place.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int Run(string requestFile)
    {
        var request = OutOfProcessRequest.Read(requestFile);
        var task = request.CreateTask(new ConsoleBuildEngine(Console.Out));
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            task.Cancel();
        };
        bool succeeded = task.Execute();
        request.WriteBundleList(task);
        return succeeded ? 0 : 1;
    }
}
