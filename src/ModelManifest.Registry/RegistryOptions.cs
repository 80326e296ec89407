using Microsoft.Extensions.Configuration;

namespace ModelManifest.Registry;

/// <summary>What the registry was started with: the command line (<c>--data</c>, <c>--database</c>, …) and the environment.</summary>
internal sealed class RegistryOptions
{
    /// <summary>The flag without a value; taken out of the arguments before the configuration reads them.</summary>
    public const string RequireAuthForReadsFlag = "--require-auth-for-reads";

    /// <summary>The environment variable holding the bootstrap admin token (accepted as is, never stored in clear).</summary>
    public const string AdminTokenVariable = "MODELMANIFEST_REGISTRY_ADMIN_TOKEN";

    /// <summary>Namespaces the Hugging Face hub uses for its own routes: a repository namespace never takes them.</summary>
    private static readonly string[] s_reservedNamespaces = ["models", "datasets", "spaces", "api", "v1", "healthz", "readyz", "openapi"];

    /// <summary>The data folder: the SQLite database, the blob folder, uploads in progress and the job download cache.</summary>
    public required string DataDirectory { get; init; }

    /// <summary>An Npgsql connection string, or <see langword="null"/> for SQLite in <see cref="DataDirectory"/>.</summary>
    public string? DatabaseConnectionString { get; init; }

    /// <summary><c>s3://bucket/prefix</c>, or <see langword="null"/> for the content-addressed folder in <see cref="DataDirectory"/>.</summary>
    public Uri? BlobStore { get; init; }

    /// <summary>The Hugging Face repository namespace models appear under.</summary>
    public string Namespace { get; init; } = "registry";

    /// <summary>Whether reads need a token with the <c>read</c> scope.</summary>
    public bool RequireAuthForReads { get; init; }

    /// <summary>The bootstrap admin token from <see cref="AdminTokenVariable"/>, if set.</summary>
    public string? BootstrapAdminToken { get; init; }

    /// <summary>Largest JSON request body (manifests, aliases, tokens, register requests).</summary>
    public long MaxJsonBodyBytes { get; init; } = 16L * 1024 * 1024;

    /// <summary>Largest blob accepted in one upload or across one resumable upload.</summary>
    public long MaxBlobBytes { get; init; } = 256L * 1024 * 1024 * 1024;

    /// <summary>Where uploads in progress are written before they are verified and made visible.</summary>
    public string UploadDirectory => Path.Combine(DataDirectory, "uploads");

    /// <summary>The asset engine's cache the register-by-URL jobs download into.</summary>
    public string JobCacheDirectory => Path.Combine(DataDirectory, "job-cache");

    /// <summary>Reads the options from the configuration (command line and environment) and the raw flag.</summary>
    public static RegistryOptions From(IConfiguration configuration, bool requireAuthForReads)
    {
        string data = Path.GetFullPath(configuration["data"] ?? "./registry-data");
        string? blobStore = configuration["blob-store"];
        Uri? blobUri = null;
        if (!string.IsNullOrWhiteSpace(blobStore))
        {
            if (!Uri.TryCreate(blobStore, UriKind.Absolute, out blobUri) || blobUri.Scheme != "s3" || blobUri.Host.Length == 0)
            {
                throw new RegistryConfigurationException($"--blob-store '{blobStore}' is not s3://bucket[/prefix]");
            }
        }

        string ns = configuration["namespace"] ?? "registry";
        if (!Identifiers.IsNamespace(ns) || s_reservedNamespaces.Contains(ns, StringComparer.OrdinalIgnoreCase))
        {
            throw new RegistryConfigurationException($"--namespace '{ns}' is not allowed: use letters, digits, '-', '_', '.', and not a name the Hugging Face hub reserves ({string.Join(", ", s_reservedNamespaces)})");
        }

        string? database = configuration["database"];
        return new RegistryOptions
        {
            DataDirectory = data,
            DatabaseConnectionString = string.IsNullOrWhiteSpace(database) ? null : database,
            BlobStore = blobUri,
            Namespace = ns,
            RequireAuthForReads = requireAuthForReads,
            BootstrapAdminToken = Environment.GetEnvironmentVariable(AdminTokenVariable) is { Length: > 0 } token ? token : null,
        };
    }
}

/// <summary>A start-up option the registry cannot run with (MM3022): printed as one line, exit code 2.</summary>
internal sealed class RegistryConfigurationException(string message) : Exception(message);
