using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;

namespace ModelManifest.Assets;

/// <summary>
/// Finds the login for a registry the way the Docker CLI does: the source's own <c>UsernameEnvironmentVariable</c> /
/// <c>PasswordEnvironmentVariable</c> settings first, then <c>config.json</c> in <c>$DOCKER_CONFIG</c> (default
/// <c>~/.docker</c>): a <c>credHelpers</c> entry for the host, an <c>auths</c> entry (<c>auth</c> = base64 user:password,
/// <c>username</c>/<c>password</c> or <c>identitytoken</c>), then the <c>credsStore</c> helper. Helpers are the
/// <c>docker-credential-&lt;name&gt;</c> programs on PATH, run as <c>docker-credential-&lt;name&gt; get</c> with the host on
/// standard input; a missing helper is skipped.
/// </summary>
internal sealed class OciCredentialStore(string? usernameVariable, string? passwordVariable)
{
    private static readonly TimeSpan s_helperTimeout = TimeSpan.FromSeconds(30);

    /// <summary>The login for <paramref name="host"/> (<c>host[:port]</c> as written in the reference), or <see langword="null"/> for anonymous access.</summary>
    /// <exception cref="AssetSourceException">A setting names an environment variable that is not set, or config.json is malformed.</exception>
    public OciCredential? Find(string host)
    {
        if (usernameVariable is not null || passwordVariable is not null)
        {
            return FromEnvironment();
        }

        string folder = Environment.GetEnvironmentVariable("DOCKER_CONFIG") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".docker");
        string path = Path.Combine(folder, "config.json");
        if (!File.Exists(path))
        {
            return null;
        }

        JsonObject config;
        try
        {
            config = JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? throw new FormatException("not a JSON object");
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or FormatException or IOException or UnauthorizedAccessException)
        {
            throw new AssetSourceException(AssetDiagnosticIds.InvalidCredential, $"the docker configuration {path} cannot be read: {e.Message}");
        }

        if (config["credHelpers"] is JsonObject helpers && Lookup(helpers, host) is JsonValue helperName
            && RunHelper(helperName.ToString(), host) is { } fromHelper)
        {
            return fromHelper;
        }

        if (config["auths"] is JsonObject auths && Lookup(auths, host) is JsonObject entry && FromAuthEntry(entry, path) is { } fromFile)
        {
            return fromFile;
        }

        return config["credsStore"] is JsonValue store ? RunHelper(store.ToString(), host) : null;
    }

    private OciCredential FromEnvironment()
    {
        string origin = $"the environment variables {usernameVariable ?? "(no UsernameEnvironmentVariable)"} and {passwordVariable ?? "(no PasswordEnvironmentVariable)"}";
        string? username = usernameVariable is null ? null : Environment.GetEnvironmentVariable(usernameVariable);
        string? password = passwordVariable is null ? null : Environment.GetEnvironmentVariable(passwordVariable);
        if (string.IsNullOrEmpty(username) || string.IsNullOrEmpty(password))
        {
            throw new AssetSourceException(AssetDiagnosticIds.InvalidCredential, $"the registry login should come from {origin}, but {(string.IsNullOrEmpty(username) ? usernameVariable ?? "UsernameEnvironmentVariable" : passwordVariable ?? "PasswordEnvironmentVariable")} is not set.");
        }

        return new OciCredential(username, password, origin);
    }

    /// <summary>An <c>auths</c>/<c>credHelpers</c> entry by host; docker writes keys as <c>host</c>, <c>https://host</c> or <c>https://host/v1/</c>.</summary>
    private static JsonNode? Lookup(JsonObject entries, string host)
    {
        string[] names = host.Equals("docker.io", StringComparison.OrdinalIgnoreCase) || host.Equals("index.docker.io", StringComparison.OrdinalIgnoreCase)
            ? ["index.docker.io", "docker.io", "registry-1.docker.io"]
            : [host];
        foreach (var (key, value) in entries)
        {
            string bare = key;
            int scheme = bare.IndexOf("://", StringComparison.Ordinal);
            bare = scheme >= 0 ? bare[(scheme + 3)..] : bare;
            int slash = bare.IndexOf('/', StringComparison.Ordinal);
            bare = slash >= 0 ? bare[..slash] : bare;
            if (names.Contains(bare, StringComparer.OrdinalIgnoreCase))
            {
                return value;
            }
        }

        return null;
    }

    private static OciCredential? FromAuthEntry(JsonObject entry, string path)
    {
        string origin = path + " (auths)";
        if (entry["identitytoken"]?.ToString() is { Length: > 0 } identity)
        {
            return new OciCredential("<token>", identity, origin, isIdentityToken: true);
        }

        if (entry["auth"]?.ToString() is { Length: > 0 } auth)
        {
            string decoded;
            try
            {
                decoded = Encoding.UTF8.GetString(Convert.FromBase64String(auth));
            }
            catch (FormatException)
            {
                throw new AssetSourceException(AssetDiagnosticIds.InvalidCredential, $"an 'auth' entry in {path} is not base64 user:password.");
            }

            int colon = decoded.IndexOf(':', StringComparison.Ordinal);
            return colon > 0 ? new OciCredential(decoded[..colon], decoded[(colon + 1)..], origin) : null;
        }

        return entry["username"]?.ToString() is { Length: > 0 } user && entry["password"]?.ToString() is { Length: > 0 } password
            ? new OciCredential(user, password, origin)
            : null;
    }

    /// <summary>Runs <c>docker-credential-&lt;name&gt; get</c>; <see langword="null"/> when the helper is absent or holds nothing for the host.</summary>
    private static OciCredential? RunHelper(string name, string host)
    {
        string program = "docker-credential-" + name;
        string? executable = FindOnPath(program);
        if (executable is null)
        {
            return null;
        }

        var start = new ProcessStartInfo(executable, "get")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(start) ?? throw new AssetSourceException(AssetDiagnosticIds.InvalidCredential, $"the credential helper {program} could not be started.");
        process.StandardInput.Write(host);
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        _ = process.StandardError.ReadToEndAsync(); // drained, never shown: helpers may echo what they hold
        if (!process.WaitForExit(s_helperTimeout))
        {
            process.Kill(entireProcessTree: true);
            throw new AssetSourceException(AssetDiagnosticIds.InvalidCredential, $"the credential helper {program} did not answer within {s_helperTimeout.TotalSeconds:0} s.");
        }

        if (process.ExitCode != 0)
        {
            return null; // "credentials not found": anonymous access
        }

        try
        {
            var answer = JsonNode.Parse(output.GetAwaiter().GetResult()) as JsonObject;
            string? user = answer?["Username"]?.ToString();
            string? secret = answer?["Secret"]?.ToString();
            return string.IsNullOrEmpty(secret)
                ? null
                : new OciCredential(user ?? string.Empty, secret, "the credential helper " + program, isIdentityToken: user == "<token>");
        }
        catch (System.Text.Json.JsonException)
        {
            throw new AssetSourceException(AssetDiagnosticIds.InvalidCredential, $"the credential helper {program} answered something that is not its JSON.");
        }
    }

    private static string? FindOnPath(string program)
    {
        foreach (string folder in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            foreach (string candidate in OperatingSystem.IsWindows() ? [program + ".exe", program + ".cmd"] : new[] { program })
            {
                string path = Path.Combine(folder, candidate);
                if (File.Exists(path))
                {
                    return path;
                }
            }
        }

        return null;
    }
}
