using System.Net.Http.Headers;

namespace ModelManifest.Testing;

/// <summary>
/// The real registry (src/ModelManifest.Registry, built beside the tests) started as a separate process with
/// <c>dotnet ModelManifest.Registry.dll --urls http://127.0.0.1:port --data dir</c> and the bootstrap admin token
/// <see cref="AdminToken"/>. The data folder belongs to the caller, so a test can kill the server and start another on
/// the same data (a restart).
/// </summary>
public sealed class RegistryServer : ExternalServer
{
    /// <summary>The bootstrap admin token every test registry starts with (MODELMANIFEST_REGISTRY_ADMIN_TOKEN).</summary>
    public const string AdminToken = "mmr_test-admin-token-0123456789abcdef";

    private RegistryServer(int port, IEnumerable<string> arguments, IDictionary<string, string> environment)
        : base("dotnet", arguments, port, environment, TimeSpan.FromSeconds(120))
    {
    }

    /// <summary>The registry's base URL (<c>http://127.0.0.1:port</c>, no trailing slash).</summary>
    public string BaseUrl => $"http://127.0.0.1:{Port}";

    /// <summary>The built registry assembly of the same configuration as the running tests.</summary>
    public static string AssemblyPath
    {
        get
        {
            string configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Debug{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Debug" : "Release";
            string path = Path.Combine(TestPaths.RepositoryRoot, "src", "ModelManifest.Registry", "bin", configuration, "net10.0", "ModelManifest.Registry.dll");
            return File.Exists(path) ? path : throw new InvalidOperationException($"{path} is missing: build src/ModelManifest.Registry -c {configuration}");
        }
    }

    /// <summary>Starts a registry on a free port with <paramref name="dataDirectory"/> and any further options.</summary>
    public static RegistryServer Start(string dataDirectory, IEnumerable<string>? options = null, IDictionary<string, string>? environment = null)
    {
        int port = FreePort();
        var arguments = new List<string> { AssemblyPath, "--urls", $"http://127.0.0.1:{port}", "--data", dataDirectory };
        arguments.AddRange(options ?? []);
        var env = new Dictionary<string, string>(environment ?? new Dictionary<string, string>())
        {
            ["MODELMANIFEST_REGISTRY_ADMIN_TOKEN"] = AdminToken,
            ["DOTNET_NOLOGO"] = "1",
        };
        return new RegistryServer(port, arguments, env);
    }

    /// <summary>A client for this registry, with <paramref name="token"/> as bearer when given.</summary>
    public HttpClient Client(string? token = null)
    {
        var client = new HttpClient { BaseAddress = new Uri(BaseUrl + "/"), Timeout = TimeSpan.FromMinutes(5) };
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return client;
    }
}
