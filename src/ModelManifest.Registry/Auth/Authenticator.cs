using System.Threading.RateLimiting;
using ModelManifest.Registry.Http;
using ModelManifest.Registry.Storage;
using ModelManifest.Registry.Telemetry;

namespace ModelManifest.Registry.Auth;

/// <summary>
/// Checks the bearer token of a request against the stored hashes (and the bootstrap admin token) and the scope the
/// endpoint needs. Failed attempts count against a per-client fixed window (System.Threading.RateLimiting, the engine
/// of ASP.NET's rate limiting); past it, the client gets 429 until the window ends. Token values are never logged.
/// </summary>
internal sealed class Authenticator : IDisposable
{
    private const string CallerKey = "ModelManifest.Registry.Caller";
    private readonly IMetadataStore _store;
    private readonly RegistryOptions _options;
    private readonly RegistryTelemetry _telemetry;
    private readonly ILogger<Authenticator> _logger;
    private readonly string? _bootstrapHash;
    private readonly PartitionedRateLimiter<string> _failures;

    public Authenticator(IMetadataStore store, RegistryOptions options, RegistryTelemetry telemetry, ILogger<Authenticator> logger, IConfiguration configuration)
    {
        _store = store;
        _options = options;
        _telemetry = telemetry;
        _logger = logger;
        _bootstrapHash = options.BootstrapAdminToken is { } token ? TokenSecrets.Hash(token) : null;
        int limit = configuration.GetValue("auth-failure-limit", 30);
        _failures = PartitionedRateLimiter.Create<string, string>(client => RateLimitPartition.GetFixedWindowLimiter(client, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = limit,
            Window = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
        }));
    }

    public void Dispose() => _failures.Dispose();

    /// <summary>The caller the filter found for this request.</summary>
    public static Caller CallerOf(HttpContext context) => context.Items[CallerKey] as Caller ?? Caller.Anonymous;

    /// <summary>Authenticates the request and checks <paramref name="scope"/>; throws 401, 403 or 429 problems.</summary>
    public async Task RequireAsync(HttpContext context, string scope)
    {
        string? header = context.Request.Headers.Authorization.FirstOrDefault();
        bool anonymousAllowed = scope == Scopes.Read && !_options.RequireAuthForReads;
        if (header is null)
        {
            if (anonymousAllowed)
            {
                return;
            }

            throw Refuse(context, StatusCodes.Status401Unauthorized, RegistryErrors.Unauthenticated, $"{context.Request.Method} {context.Request.Path} needs a bearer token with the '{scope}' scope");
        }

        Caller? caller = header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
            ? await FindAsync(header["Bearer ".Length..].Trim(), context.RequestAborted)
            : null;
        if (caller is null)
        {
            throw Refuse(context, StatusCodes.Status401Unauthorized, RegistryErrors.Unauthenticated, "the bearer token is unknown, revoked or malformed");
        }

        if (!Scopes.Grants(caller.Scopes, scope))
        {
            throw Refuse(context, StatusCodes.Status403Forbidden, RegistryErrors.Forbidden, $"token {caller.TokenId ?? caller.Name} lacks the '{scope}' scope for {context.Request.Method} {context.Request.Path}");
        }

        context.Items[CallerKey] = caller;
    }

    private async Task<Caller?> FindAsync(string secret, CancellationToken cancellationToken)
    {
        if (secret.Length is 0 or > 512)
        {
            return null;
        }

        string hash = TokenSecrets.Hash(secret);
        if (_bootstrapHash is not null && TokenSecrets.SameHash(hash, _bootstrapHash))
        {
            return new Caller(null, "bootstrap-admin", [Scopes.Admin]);
        }

        TokenRecord? token = await _store.FindTokenByHashAsync(hash, cancellationToken);
        return token is null ? null : new Caller(token.Id, token.Name, token.Scopes);
    }

    private RegistryException Refuse(HttpContext context, int status, string code, string detail)
    {
        _telemetry.FailedAuthentications.Add(1, new KeyValuePair<string, object?>("status", status));
        string client = context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        using RateLimitLease lease = _failures.AttemptAcquire(client);
        if (!lease.IsAcquired)
        {
            _logger.LogWarning("Too many failed authentications from {Client}", client);
            var limited = new RegistryException(StatusCodes.Status429TooManyRequests, RegistryErrors.TooManyFailedAttempts, "too many failed authentication attempts from this client: wait a minute");
            limited.Headers["Retry-After"] = "60";
            return limited;
        }

        _logger.LogInformation("Refused {Method} {Path}: {Status} {Code}", context.Request.Method, context.Request.Path, status, code);
        return new RegistryException(status, code, detail);
    }
}

/// <summary>Puts a scope check in front of an endpoint.</summary>
internal static class ScopeRequirement
{
    public static TBuilder RequireScope<TBuilder>(this TBuilder builder, string scope)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            await context.HttpContext.RequestServices.GetRequiredService<Authenticator>().RequireAsync(context.HttpContext, scope);
            return await next(context);
        });
}
