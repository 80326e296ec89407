using System.Text.Json.Nodes;
using ModelManifest.Registry.Auth;
using ModelManifest.Registry.Storage;

namespace ModelManifest.Registry.Http;

/// <summary>API tokens (admin scope): created with the secret shown once, listed without secrets, revoked.</summary>
internal static class TokenEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapPost("/v1/tokens", CreateAsync).RequireScope(Scopes.Admin).WithName("CreateToken");
        app.MapGet("/v1/tokens", ListAsync).RequireScope(Scopes.Admin).WithName("ListTokens");
        app.MapDelete("/v1/tokens/{tokenId}", RevokeAsync).RequireScope(Scopes.Admin).WithName("RevokeToken");
    }

    private static async Task<IResult> CreateAsync(HttpContext context, IMetadataStore store, ILogger<Authenticator> logger)
    {
        TokenBody body = await RequestBodies.ReadJsonAsync<TokenBody>(context.Request);
        if (string.IsNullOrWhiteSpace(body.Name) || body.Name.Length > 100 || body.Name.Any(char.IsControl))
        {
            throw RegistryException.BadRequest("a token needs a name of 1 to 100 printable characters");
        }

        if (body.Scopes is not { Length: > 0 } scopes || scopes.Any(s => !Scopes.All.Contains(s)))
        {
            throw RegistryException.BadRequest($"a token needs one or more scopes of: {string.Join(", ", Scopes.All)}");
        }

        string secret = TokenSecrets.NewSecret();
        var token = new TokenRecord(TokenSecrets.NewId(), body.Name, scopes.Distinct().ToList(), TokenSecrets.Hash(secret), DateTimeOffset.UtcNow, null);
        await store.CreateTokenAsync(token, context.RequestAborted);
        logger.LogInformation("Token {TokenId} ({TokenName}) created with scopes {Scopes} by {Caller}", token.Id, token.Name, string.Join(' ', token.Scopes), Authenticator.CallerOf(context).Name);
        var response = Describe(token);
        response["token"] = secret;
        return ModelEndpoints.Json(response, StatusCodes.Status201Created);
    }

    private static async Task<IResult> ListAsync(HttpContext context, IMetadataStore store) =>
        ModelEndpoints.Json(new JsonObject
        {
            ["tokens"] = new JsonArray((await store.ListTokensAsync(context.RequestAborted)).Select(t => (JsonNode)Describe(t)).ToArray()),
        });

    private static async Task<IResult> RevokeAsync(string tokenId, HttpContext context, IMetadataStore store, ILogger<Authenticator> logger)
    {
        if (!await store.RevokeTokenAsync(tokenId, context.RequestAborted))
        {
            throw RegistryException.NotFound($"no active token '{RouteNames.Shorten(tokenId)}'");
        }

        logger.LogInformation("Token {TokenId} revoked by {Caller}", tokenId, Authenticator.CallerOf(context).Name);
        return Results.NoContent();
    }

    private static JsonObject Describe(TokenRecord token)
    {
        var o = new JsonObject
        {
            ["id"] = token.Id,
            ["name"] = token.Name,
            ["scopes"] = new JsonArray(token.Scopes.Select(s => (JsonNode)JsonValue.Create(s)).ToArray()),
            ["createdAt"] = token.CreatedAt,
        };
        if (token.RevokedAt is { } revoked)
        {
            o["revokedAt"] = revoked;
        }

        return o;
    }

    private sealed record TokenBody(string? Name, string[]? Scopes);
}
