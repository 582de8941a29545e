using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Primitives;
using ModularEmr.Sdk.Accounts;

namespace ModularEmr.Sdk.Security;

/// <summary>
/// Lets a request through only with a valid bearer token (RFC 6750) that carries the scopes, and whose
/// user holds the privileges, that the endpoint's metadata asks for. Attach it to a route group with
/// <see cref="BearerTokenEndpointExtensions.RequireBearerToken{TBuilder}"/>.
/// </summary>
public sealed class BearerTokenFilter(BearerTokenOptions options) : IEndpointFilter
{
    private const string AccessTokenParameter = "access_token";

    /// <inheritdoc />
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var (token, refusal) = await ReadTokenAsync(http);
        if (refusal is not null)
        {
            return Refuse(http, refusal);
        }

        if (token is null)
        {
            return Refuse(http, new BearerTokenRefusal(StatusCodes.Status401Unauthorized, string.Empty, "This resource needs an access token: send it as 'Authorization: Bearer <token>'."));
        }

        var oauth2 = http.RequestServices.GetRequiredService<IOAuth2Service>();
        var result = await oauth2.ValidateTokenAsync(token, cancellationToken: http.RequestAborted);
        if (!result.IsValid)
        {
            return Refuse(http, new BearerTokenRefusal(StatusCodes.Status401Unauthorized, "invalid_token", result.FailureDescription ?? "The access token is not valid."));
        }

        var endpoint = http.GetEndpoint();
        var scopeRules = endpoint?.Metadata.GetOrderedMetadata<RequiredScopeMetadata>() ?? [];
        foreach (var rule in scopeRules)
        {
            if (!rule.AnyOf.Any(result.Scopes.Contains))
            {
                return Refuse(http, new BearerTokenRefusal(
                    StatusCodes.Status403Forbidden,
                    "insufficient_scope",
                    $"The access token lacks a scope this request needs: one of {string.Join(", ", rule.AnyOf)}.",
                    rule.AnyOf));
            }
        }

        var privileges = endpoint?.Metadata.GetOrderedMetadata<RequiredPrivilegeMetadata>().SelectMany(p => p.AllOf).Distinct().ToList() ?? [];
        if (privileges.Count > 0 && result.UserUuid is { } userUuid)
        {
            var accounts = http.RequestServices.GetRequiredService<IUserAccounts>();
            var user = await accounts.FindByUuidAsync(userUuid, http.RequestAborted);
            var missing = user is null ? privileges : privileges.Where(p => !user.HasPrivilege(p)).ToList();
            if (missing.Count > 0)
            {
                var names = string.Join(", ", missing);
                var description = $"The user this token acts for lacks the privilege {names}.";
                return Refuse(http, new BearerTokenRefusal(StatusCodes.Status403Forbidden, "insufficient_scope", description)
                {
                    Text = http.RequestServices.GetService<IStringLocalizer<SecurityText>>()?["PrivilegeMissing", names].Value ?? description,
                });
            }
        }

        http.Features.Set(new AccessTokenFeature(result));
        http.User = AccessTokenFeature.CreatePrincipal(result);
        return await next(context);
    }

    private async ValueTask<(string? Token, BearerTokenRefusal? Refusal)> ReadTokenAsync(HttpContext http)
    {
        var request = http.Request;
        if (request.Query.ContainsKey(AccessTokenParameter))
        {
            // RFC 6750 §2.3 allows the query string, but tokens in URLs end up in logs and browser
            // history (RFC 9700 §2.4 forbids it for new clients), so it is refused outright.
            return (null, InvalidRequest("Access tokens in the URL query are refused: send 'Authorization: Bearer <token>' instead (RFC 6750 section 2.3)."));
        }

        var found = new List<string>(1);
        var authorization = request.Headers.Authorization;
        if (!StringValues.IsNullOrEmpty(authorization))
        {
            if (authorization.Count > 1)
            {
                return (null, InvalidRequest("Send one Authorization header."));
            }

            var header = authorization.ToString();
            if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) || header.Length <= "Bearer ".Length)
            {
                return (null, InvalidRequest("The Authorization header must use the Bearer scheme: 'Authorization: Bearer <token>'."));
            }

            found.Add(header["Bearer ".Length..].Trim());
        }

        if (options.AcceptFormBody && request.HasFormContentType)
        {
            var form = await request.ReadFormAsync(http.RequestAborted);
            if (form.TryGetValue(AccessTokenParameter, out var value) && !StringValues.IsNullOrEmpty(value))
            {
                found.Add(value.ToString());
            }
        }

        if (found.Count == 0 && options.ReadTokenFromBody is { } readBody)
        {
            if (await readBody(http) is { Length: > 0 } fromBody)
            {
                found.Add(fromBody);
            }
        }

        return found.Count switch
        {
            0 => (null, null),
            1 => (found[0], null),
            // RFC 6750 §2: a client must not use more than one method to send the token.
            _ => (null, InvalidRequest("The access token was sent in more than one place; send it once."))
        };

        static BearerTokenRefusal InvalidRequest(string description) =>
            new(StatusCodes.Status400BadRequest, "invalid_request", description);
    }

    private IResult Refuse(HttpContext http, BearerTokenRefusal refusal)
    {
        BearerChallenge.Write(http.Response, options.Realm, refusal);
        return options.Refuse(http, refusal with { Text = Describe(http, refusal) });
    }

    /// <summary>
    /// The refusal in the reader's language, by its kind. The precise English reason (which check failed,
    /// why the token is invalid) stays in the challenge header, which the texts point to.
    /// </summary>
    private static string Describe(HttpContext http, BearerTokenRefusal refusal)
    {
        if (http.RequestServices.GetService<IStringLocalizer<SecurityText>>() is not { } text)
        {
            return refusal.Description;
        }

        return refusal switch
        {
            { IsMissingToken: true } => text["TokenMissing"],
            { Error: "invalid_request" } => text["TokenRequestInvalid"],
            { Error: "insufficient_scope", RequiredScopes.Count: > 0 } => text["ScopeMissing", string.Join(", ", refusal.RequiredScopes)],
            // A missing privilege: the filter wrote its text when it named the privileges.
            { Error: "insufficient_scope" } => refusal.Text,
            _ => text["TokenInvalid"],
        };
    }
}

/// <summary>The validated access token of the current request.</summary>
/// <param name="Token">What <see cref="IOAuth2Service.ValidateTokenAsync"/> said of it.</param>
public sealed record AccessTokenFeature(TokenValidationResult Token)
{
    /// <summary>The principal a request made with this token acts as.</summary>
    public static ClaimsPrincipal CreatePrincipal(TokenValidationResult token)
    {
        var claims = new List<Claim>();
        if (token.UserUuid is { } user)
        {
            claims.Add(new Claim(EmrClaimTypes.Subject, user.ToString()));
        }

        if (token.Username is { } username)
        {
            claims.Add(new Claim(EmrClaimTypes.Name, username));
        }

        if (token.ClientId is { } client)
        {
            claims.Add(new Claim(EmrClaimTypes.ClientId, client));
        }

        claims.AddRange(token.Scopes.Select(scope => new Claim(EmrClaimTypes.Scope, scope)));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, "Bearer", EmrClaimTypes.Name, EmrClaimTypes.Role));
    }
}
