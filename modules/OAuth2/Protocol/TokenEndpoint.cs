using System.Collections.Immutable;
using System.Security.Claims;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using ModularEmr.Modules.OAuth2.Smart;
using ModularEmr.Sdk.Accounts;
using ModularEmr.Sdk.Data;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace ModularEmr.Modules.OAuth2.Protocol;

/// <summary>
/// The token endpoint (RFC 6749 §3.2), at <c>/ws/oauth2/token</c> and <c>/ws/oauth2/access_token</c>,
/// after OpenIddict has authenticated the client and checked that it may use the grant.
/// </summary>
public static class TokenEndpoint
{
    /// <summary>Scopes about a signed-in user; a client acting for itself has none.</summary>
    private static readonly HashSet<string> UserScopes = OAuth2Scopes.Declared.Select(s => s.Name).ToHashSet(StringComparer.Ordinal);

    public static IEndpointRouteBuilder MapTokenEndpoint(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost(OAuth2ServerRegistration.TokenUri, ExchangeAsync).DisableAntiforgery();
        endpoints.MapPost(OAuth2ServerRegistration.AccessTokenUri, ExchangeAsync).DisableAntiforgery();
        return endpoints;
    }

    private static async Task<IResult> ExchangeAsync(HttpContext http, IOpenIddictApplicationManager applications)
    {
        var services = new TokenServices(http.RequestServices, applications);
        var request = http.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("The OpenIddict server did not handle this token request.");
        if (request.IsAuthorizationCodeGrantType() || request.IsRefreshTokenGrantType())
        {
            return await RedeemAsync(http, services, request);
        }

        if (request.IsPasswordGrantType())
        {
            return await PasswordAsync(http, services, request);
        }

        if (request.IsClientCredentialsGrantType())
        {
            return await ClientCredentialsAsync(http, services, request);
        }

        return Refuse(Errors.UnsupportedGrantType, "The grant type is not supported.");
    }

    /// <summary>
    /// Code and refresh token: OpenIddict has checked the grant itself (single use, PKCE, expiry, client
    /// binding). The user must still be allowed in; claims are rebuilt from the current account.
    /// </summary>
    private static async Task<IResult> RedeemAsync(HttpContext http, TokenServices services, OpenIddictRequest request)
    {
        var result = await http.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        var granted = result.Principal ?? throw new InvalidOperationException("OpenIddict validated a grant without a principal.");
        if (!Guid.TryParse(granted.GetClaim(Claims.Subject), out var userUuid)
            || await services.Accounts.FindByUuidAsync(userUuid, http.RequestAborted) is not { Retired: false } user)
        {
            return Refuse(Errors.InvalidGrant, "The user of this grant can no longer sign in.");
        }

        var authorizationId = granted.GetAuthorizationId();
        if (request.IsRefreshTokenGrantType() && authorizationId is not null)
        {
            // Rotation (RFC 9700 §4.14.2): the access tokens issued before this refresh stop working now.
            // Read whole before revoking: PostgreSQL runs one command at a time per connection.
            foreach (var token in await services.Tokens.FindByAuthorizationIdAsync(authorizationId, http.RequestAborted).ToListAsync(http.RequestAborted))
            {
                if (await services.Tokens.HasTypeAsync(token, TokenTypeIdentifiers.AccessToken, http.RequestAborted)
                    && await services.Tokens.HasStatusAsync(token, Statuses.Valid, http.RequestAborted))
                {
                    await services.Tokens.TryRevokeAsync(token, http.RequestAborted);
                }
            }
        }

        // The grant's patient stays in context for its life (SMART App Launch 2.2: the refresh response
        // carries the same launch context), carried as it is, never recomputed: the user's own record, or
        // one chosen or launched that the user may still view.
        Guid? chosen = null;
        if (granted.GetClaim(EmrClaims.Patient) is { } inContext)
        {
            chosen = Guid.TryParse(inContext, out var uuid) && await PrincipalFactory.OwnPatientAsync(user, services.Patients, http.RequestAborted) == uuid
                ? uuid
                : await PatientPicker.FindChoiceAsync(user, inContext, services.Patients, http.RequestAborted);
            if (chosen is null)
            {
                return Refuse(Errors.InvalidGrant, "The patient in context of this grant is no longer available to its user.");
            }
        }

        var principal = await PrincipalFactory.ForUserAsync(user, granted.GetScopes(), authorizationId, services.Patients, http.Request, http.RequestAborted, chosen);
        return Results.SignIn(principal, authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    /// <summary>
    /// RFC 6749 §4.3, for clients registered for it. The answer is the same for an unknown user, a
    /// wrong password and a locked account, and costs the same work (RFC 6819 §5.1.4.2).
    /// </summary>
    private static async Task<IResult> PasswordAsync(HttpContext http, TokenServices services, OpenIddictRequest request)
    {
        // RFC 6749 §5.2 has no error for throttling (slow_down is RFC 8628's, for device polling): the
        // grant is refused as invalid_grant, and Retry-After says when to try again.
        if (await services.Throttle.TryAcquireAsync(request.ClientId!, http.Connection.RemoteIpAddress?.ToString(), http.RequestAborted) is { } retryAfter)
        {
            var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
            http.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Refuse(Errors.InvalidGrant, $"Too many sign-in attempts from this client and address; try again in {seconds} seconds.");
        }

        var check = await services.Accounts.CheckPasswordAsync(request.Username ?? string.Empty, request.Password ?? string.Empty, http.RequestAborted);
        if (!check.Succeeded)
        {
            return Refuse(Errors.InvalidGrant, "The username or password is invalid.");
        }

        var application = await services.Applications.FindByClientIdAsync(request.ClientId!, http.RequestAborted);
        var applicationId = await services.Applications.GetIdAsync(application!, http.RequestAborted);
        var scopes = request.GetScopes();
        var principal = await PrincipalFactory.ForUserAsync(check.User!, scopes, null, services.Patients, http.Request, http.RequestAborted);

        // An authorization ties the tokens to the user and client, so the user can see and revoke them.
        var authorization = await services.Authorizations.CreateAsync(principal, check.User!.Uuid.ToString(), applicationId!, AuthorizationTypes.AdHoc, scopes, http.RequestAborted);
        principal = await PrincipalFactory.ForUserAsync(check.User, scopes, await services.Authorizations.GetIdAsync(authorization, http.RequestAborted), services.Patients, http.Request, http.RequestAborted);
        return Results.SignIn(principal, authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    /// <summary>RFC 6749 §4.4: confidential clients only (OpenIddict refuses public ones). Without a scope, the client's registered scopes.</summary>
    private static async Task<IResult> ClientCredentialsAsync(HttpContext http, TokenServices services, OpenIddictRequest request)
    {
        var application = await services.Applications.FindByClientIdAsync(request.ClientId!, http.RequestAborted)
            ?? throw new InvalidOperationException("OpenIddict authenticated a client that does not exist.");
        ImmutableArray<string> scopes = request.GetScopes();
        if (scopes.IsEmpty)
        {
            scopes = (await services.Applications.GetPermissionsAsync(application, http.RequestAborted))
                .Where(p => p.StartsWith(Permissions.Prefixes.Scope, StringComparison.Ordinal))
                .Select(p => p[Permissions.Prefixes.Scope.Length..])
                .Where(s => !UserScopes.Contains(s))
                .ToImmutableArray();
        }

        if (scopes.FirstOrDefault(UserScopes.Contains) is { } userScope)
        {
            return Refuse(Errors.InvalidScope, $"A client-credentials token acts for no user: the scope '{userScope}' does not apply.");
        }

        var name = await services.Applications.GetDisplayNameAsync(application, http.RequestAborted);
        return Results.SignIn(PrincipalFactory.ForClient(request.ClientId!, name, scopes), authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    /// <summary>An RFC 6749 §5.2 error response, written by OpenIddict (JSON, no caching).</summary>
    private static IResult Refuse(string error, string description) => OAuth2Errors.Refuse(error, description);

    /// <summary>
    /// What the token endpoint needs. The user and record services are resolved only by the grants that
    /// act for a user: a client-credentials request needs neither, nor the database contexts behind them.
    /// </summary>
    private sealed class TokenServices(IServiceProvider services, IOpenIddictApplicationManager applications)
    {
        public IOpenIddictApplicationManager Applications => applications;

        public IUserAccounts Accounts => services.GetRequiredService<IUserAccounts>();

        public IPatientRecords Patients => services.GetRequiredService<IPatientRecords>();

        public IOpenIddictAuthorizationManager Authorizations => services.GetRequiredService<IOpenIddictAuthorizationManager>();

        public IOpenIddictTokenManager Tokens => services.GetRequiredService<IOpenIddictTokenManager>();

        public PasswordGrantThrottle Throttle => services.GetRequiredService<PasswordGrantThrottle>();
    }
}
