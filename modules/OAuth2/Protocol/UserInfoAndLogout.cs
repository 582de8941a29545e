using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using ModularEmr.Modules.OAuth2.Pages;
using ModularEmr.Sdk.Accounts;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace ModularEmr.Modules.OAuth2.Protocol;

/// <summary>The OpenID Connect userinfo endpoint (OIDC Core §5.3) and logout (RP-initiated logout).</summary>
public static class UserInfoAndLogout
{
    public static IEndpointRouteBuilder MapUserInfoAndLogout(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapMethods(OAuth2ServerRegistration.UserInfoUri, [HttpMethods.Get, HttpMethods.Post], UserInfoAsync).DisableAntiforgery();
        // The confirmation form posts back here; clients may also POST logout requests without a token.
        endpoints.MapMethods(OAuth2ServerRegistration.LogoutUri, [HttpMethods.Get, HttpMethods.Post], LogoutAsync).RequireAntiforgery();
        return endpoints;
    }

    private static async Task<IResult> UserInfoAsync(HttpContext http, IUserAccounts accounts)
    {
        var result = await http.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        var principal = result.Principal;
        if (principal is null || !Guid.TryParse(principal.GetClaim(Claims.Subject), out var uuid)
            || await accounts.FindByUuidAsync(uuid, http.RequestAborted) is not { Retired: false } user)
        {
            return Results.Challenge(
                new AuthenticationProperties(new Dictionary<string, string?>
                {
                    [OpenIddictServerAspNetCoreConstants.Properties.Error] = Errors.InvalidToken,
                    [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = "The access token does not act for a user.",
                }),
                [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
        }

        var claims = new Dictionary<string, object>(StringComparer.Ordinal) { [Claims.Subject] = user.Uuid.ToString() };
        if (principal.HasScope(Scopes.Profile))
        {
            claims[Claims.Name] = user.Username;
            claims[Claims.PreferredUsername] = user.Username;
        }

        if (principal.GetClaim(EmrClaims.FhirUser) is { } fhirUser)
        {
            claims[EmrClaims.FhirUser] = fhirUser;
        }

        return Results.Ok(claims);
    }

    private static async Task<IResult> LogoutAsync(HttpContext http, IUserSignIn signIn)
    {
        // With error passthrough, a request OpenIddict refused (a body that is not a form, say) still
        // arrives here: it is answered with the error, and nobody is signed out.
        if (http.GetOpenIddictServerRequest() is null || http.GetOpenIddictServerResponse() is { Error: not null })
        {
            var refused = http.GetOpenIddictServerResponse();
            return Results.Json(
                new Dictionary<string, string?> { ["error"] = refused?.Error ?? Errors.InvalidRequest, ["error_description"] = refused?.ErrorDescription ?? "The logout request could not be read." },
                statusCode: StatusCodes.Status400BadRequest);
        }

        // OpenID Connect RP-Initiated Logout 1.0 §2 and §6: without an id_token_hint nothing shows that the
        // user's own app sent the request, and any page on the web could end the session (logout CSRF).
        // A signed-in user then confirms on our own form, which carries an antiforgery token.
        var request = http.GetOpenIddictServerRequest()!;
        // Confirmed only by our own form: the middleware found its antiforgery token valid.
        var confirmed = HttpMethods.IsPost(http.Request.Method) && FormAntiforgery.Passed(http);
        if (string.IsNullOrEmpty(request.IdTokenHint) && !confirmed && await signIn.GetSignedInUserAsync(http) is not null)
        {
            var parameters = request.GetParameters()
                .Where(p => p.Key != "__RequestVerificationToken")
                .Select(p => KeyValuePair.Create(p.Key, (string?)p.Value))
                .ToList();
            return PageResults.Of<LogoutView>(new { Parameters = parameters });
        }

        await signIn.SignOutAsync(http);

        // OpenIddict redirects to a registered post_logout_redirect_uri if one was given and valid.
        return Results.SignOut(
            new AuthenticationProperties { RedirectUri = LoginPage.Path + "?signedOut=1" },
            [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
    }
}
